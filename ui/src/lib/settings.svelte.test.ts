import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IpcError, type AppSettings } from './ipc';
import {
  SettingsStore,
  THEME_STORAGE_KEY,
  applyRememberedTheme,
  applyTheme,
  type SettingsBackend,
} from './settings.svelte';
import { sampleSettings, sampleSettingsView } from '../test/fixtures';

const root = document.documentElement;

function backend(overrides: Partial<SettingsBackend> = {}): SettingsBackend {
  return {
    get: vi.fn(() => Promise.resolve(sampleSettingsView())),
    set: vi.fn((settings: AppSettings) => Promise.resolve(settings)),
    ...overrides,
  };
}

beforeEach(() => {
  localStorage.clear();
  delete root.dataset.theme;
});

afterEach(() => {
  delete root.dataset.theme;
});

describe('themes on the page', () => {
  it('sets data-theme for light and dark, and removes it for system', () => {
    applyTheme('dark');
    expect(root.dataset.theme).toBe('dark');
    applyTheme('light');
    expect(root.dataset.theme).toBe('light');
    applyTheme('system');
    expect(root).not.toHaveAttribute('data-theme');
  });

  it('applies the remembered theme before the settings load, ignoring junk', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'dark');
    applyRememberedTheme();
    expect(root.dataset.theme).toBe('dark');
    delete root.dataset.theme;
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    applyRememberedTheme();
    expect(root).not.toHaveAttribute('data-theme');
  });
});

describe('SettingsStore', () => {
  it('loads once, applies and remembers the saved theme', async () => {
    const fake = backend({
      get: vi.fn(() => Promise.resolve(sampleSettingsView({ theme: 'dark' }, 'broken file'))),
    });
    const store = new SettingsStore(fake);
    await store.ensureLoaded();
    await store.ensureLoaded();
    expect(fake.get).toHaveBeenCalledTimes(1);
    expect(store.phase).toBe('ready');
    expect(store.settings?.theme).toBe('dark');
    expect(store.warning).toBe('broken file');
    expect(store.locations?.settingsFile).toMatch(/settings\.json$/);
    expect(root.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
  });

  it('keeps the load error and tries again on reload', async () => {
    const get = vi
      .fn<SettingsBackend['get']>()
      .mockRejectedValueOnce({ kind: 'io', message: 'denied' })
      .mockResolvedValueOnce(sampleSettingsView());
    const store = new SettingsStore(backend({ get }));
    await store.ensureLoaded();
    expect(store.phase).toBe('error');
    expect(store.loadError?.kind).toBe('io');
    await store.reload();
    expect(store.phase).toBe('ready');
    expect(store.loadError).toBeUndefined();
  });

  it('saves a change on top of the saved settings and clears the warning', async () => {
    const fake = backend({
      get: vi.fn(() => Promise.resolve(sampleSettingsView({}, 'broken file'))),
      set: vi.fn((s: AppSettings) =>
        Promise.resolve({ ...s, extraServerUrls: ['http://10.0.0.2:8001/v1'] }),
      ),
    });
    const store = new SettingsStore(fake);
    await store.ensureLoaded();
    const saved = await store.update({ extraServerUrls: [' http://10.0.0.2:8001/v1/ '] });
    expect(saved).toBe(true);
    expect(fake.set).toHaveBeenCalledWith(
      sampleSettings({ extraServerUrls: [' http://10.0.0.2:8001/v1/ '] }),
    );
    expect(store.settings?.extraServerUrls).toEqual(['http://10.0.0.2:8001/v1']);
    expect(store.saveStatus).toBe('saved');
    expect(store.warning).toBeNull();
  });

  it('shows a theme at once and undoes it when the save fails, keeping the saved settings', async () => {
    let reject: (error: unknown) => void = () => {};
    const set = vi.fn(
      () =>
        new Promise<AppSettings>((_resolve, rejectWith) => {
          reject = rejectWith;
        }),
    );
    const store = new SettingsStore(backend({ set }));
    await store.ensureLoaded();
    const saving = store.update({ theme: 'dark' });
    expect(root.dataset.theme).toBe('dark');
    await vi.waitFor(() => expect(store.saveStatus).toBe('saving'));
    reject({ kind: 'io', message: 'disk full' });
    expect(await saving).toBe(false);
    expect(store.saveStatus).toBe('error');
    expect(store.saveError).toBeInstanceOf(IpcError);
    expect(store.saveError?.message).toBe('disk full');
    expect(store.settings?.theme).toBe('system');
    expect(root).not.toHaveAttribute('data-theme');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('system');
    store.clearSaveError();
    expect(store.saveStatus).toBe('idle');
    expect(store.saveError).toBeUndefined();
  });

  it('keeps the field a refused value is about', async () => {
    const set = vi.fn<SettingsBackend['set']>().mockRejectedValueOnce({
      kind: 'invalid_input',
      message: 'Extra server URL: "nope" is not a URL',
      field: 'extraServerUrls',
      index: 0,
    });
    const store = new SettingsStore(backend({ set }));
    await store.ensureLoaded();
    expect(await store.update({ extraServerUrls: ['nope'] })).toBe(false);
    expect(store.saveError?.field).toBe('extraServerUrls');
    expect(store.saveError?.index).toBe(0);
    expect(store.settings?.extraServerUrls).toEqual([]);
  });

  it('saves one change at a time, each on top of the one before', async () => {
    const seen: AppSettings[] = [];
    const releases: (() => void)[] = [];
    const set = vi.fn(
      (s: AppSettings) =>
        new Promise<AppSettings>((resolve) => {
          seen.push(s);
          releases.push(() => resolve(s));
        }),
    );
    const store = new SettingsStore(backend({ set }));
    await store.ensureLoaded();
    const first = store.update({ closeToTray: false });
    const second = store.update({ detectIntervalSecs: 0 });
    await vi.waitFor(() => expect(releases).toHaveLength(1));
    releases[0]?.();
    await first;
    await vi.waitFor(() => expect(releases).toHaveLength(2));
    releases[1]?.();
    expect(await second).toBe(true);
    expect(seen[1]).toEqual(sampleSettings({ closeToTray: false, detectIntervalSecs: 0 }));
    expect(store.settings).toEqual(seen[1]);
  });
});
