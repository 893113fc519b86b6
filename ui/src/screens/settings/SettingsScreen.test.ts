import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import SettingsScreen from './SettingsScreen.svelte';
import { AppStatusStore, appStatusContext } from '../../lib/appStatus.svelte';
import { SettingsStore, settingsContext } from '../../lib/settings.svelte';
import type { AppSettings } from '../../lib/ipc';
import { mockBackend, sampleSettingsView, sampleStatus, type Handlers } from '../../test/fixtures';

function renderSettings(store = new AppStatusStore(), settings = new SettingsStore()) {
  return render(SettingsScreen, {
    context: new Map<symbol, unknown>([
      [appStatusContext.key, store],
      [settingsContext.key, settings],
    ]),
  });
}

/** A backend whose settings_set saves what it gets (trimmed URLs, like the core) and records it. */
function settingsBackend(initial: Partial<AppSettings> = {}, warning: string | null = null) {
  const saves: AppSettings[] = [];
  let current = sampleSettingsView(initial, warning).settings;
  const handlers: Handlers = {
    settings_get: () => ({ ...sampleSettingsView(initial, warning), settings: current }),
    settings_set: (args) => {
      const settings = args.settings as AppSettings;
      saves.push(settings);
      const bad = settings.extraServerUrls.findIndex((u) => !/^https?:\/\/\S+$/.test(u.trim()));
      if (bad >= 0) {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the Rust side rejects with plain objects
        throw {
          kind: 'invalid_input',
          message: `Extra server URL: "${settings.extraServerUrls[bad]}" must start with http:// or https://`,
          field: 'extraServerUrls',
          index: bad,
        };
      }
      current = {
        ...settings,
        extraServerUrls: [...new Set(settings.extraServerUrls.map((u) => u.trim()))],
      };
      return current;
    },
  };
  return { saves, handlers };
}

beforeEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

afterEach(() => {
  clearMocks();
});

describe('SettingsScreen: about and environment', () => {
  it('shows a loading state, then version, locations and probes', async () => {
    mockBackend({ handlers: settingsBackend().handlers });
    renderSettings();
    expect(screen.getByTestId('settings-loading')).toHaveTextContent(/Checking/);

    expect(await screen.findByTestId('app-version')).toHaveTextContent('0.1.0-test');
    const locations = sampleSettingsView().locations;
    expect(screen.getByTestId('config-path')).toHaveTextContent(locations.configFile);
    expect(screen.getByTestId('settings-path')).toHaveTextContent(locations.settingsFile);
    expect(screen.getByTestId('data-dir')).toHaveTextContent(locations.dataDir);
    expect(screen.getByTestId('history-path')).toHaveTextContent(locations.historyFile);
    expect(screen.getByTestId('log-dir')).toHaveTextContent(locations.logDir);

    const status = sampleStatus();
    const dbus = screen.getByTestId('probe-dbusSession');
    expect(dbus).toHaveAttribute('data-available', 'true');
    expect(within(dbus).getByText('OK')).toBeInTheDocument();
    expect(dbus).toHaveTextContent(status.environment.dbusSession.detail);
    for (const key of ['trayHost', 'keyring'] as const) {
      const row = screen.getByTestId(`probe-${key}`);
      expect(row).toHaveAttribute('data-available', 'false');
      expect(within(row).getByText('Missing')).toBeInTheDocument();
      expect(row).toHaveTextContent(status.environment[key].detail);
    }
    expect(screen.getByText('2 missing')).toBeInTheDocument();
  });

  it('shows the IpcError message when app_status rejects', async () => {
    mockBackend({
      rejectWith: { kind: 'io', message: 'Permission denied: /home/ada/.config' },
      handlers: settingsBackend().handlers,
    });
    renderSettings();
    const alert = await screen.findByTestId('settings-error');
    expect(alert).toHaveTextContent('Permission denied: /home/ada/.config');
    expect(alert).toHaveAttribute('data-kind', 'io');
    expect(screen.queryByTestId('app-version')).not.toBeInTheDocument();
  });

  it('tries again after an error', async () => {
    const user = userEvent.setup();
    mockBackend({ rejectWith: 'backend not ready', handlers: settingsBackend().handlers });
    renderSettings();
    expect(await screen.findByTestId('settings-error')).toHaveTextContent('backend not ready');

    mockBackend({ handlers: settingsBackend().handlers });
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('app-version')).toHaveTextContent('0.1.0-test');
    expect(screen.queryByTestId('settings-error')).not.toBeInTheDocument();
  });

  it('says so when not running inside the app', async () => {
    renderSettings();
    expect(await screen.findByTestId('settings-error')).toHaveTextContent(
      /Not running inside the Switchboard app/,
    );
    expect(screen.getByTestId('settings-load-error')).toBeInTheDocument();
  });

  it('asks the backend only once across visits', async () => {
    const calls = mockBackend({ handlers: settingsBackend().handlers });
    const store = new AppStatusStore();
    const settings = new SettingsStore();
    const first = renderSettings(store, settings);
    await screen.findByTestId('app-version');
    await screen.findByTestId('config-path');
    first.unmount();
    renderSettings(store, settings);
    expect(screen.getByTestId('app-version')).toBeInTheDocument();
    expect(screen.getByTestId('theme-picker')).toBeInTheDocument();
    expect(calls.sort()).toEqual(['app_status', 'settings_get']);
  });
});

describe('SettingsScreen: preferences', () => {
  it('switches the theme with a click or the arrow keys and saves it', async () => {
    const user = userEvent.setup();
    const { saves, handlers } = settingsBackend();
    mockBackend({ handlers });
    renderSettings();
    const dark = await screen.findByRole('radio', { name: 'Dark' });
    expect(screen.getByRole('radio', { name: 'System' })).toBeChecked();
    await user.click(dark);
    expect(document.documentElement.dataset.theme).toBe('dark');
    await waitFor(() =>
      expect(screen.getByTestId('settings-save-status')).toHaveTextContent('Saved'),
    );
    expect(saves.at(-1)?.theme).toBe('dark');
    expect(dark).toBeChecked();

    await user.keyboard('{ArrowLeft}');
    await waitFor(() => expect(saves.at(-1)?.theme).toBe('light'));
    expect(screen.getByRole('radio', { name: 'Light' })).toBeChecked();
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('switches the language at once, saves it and says it on <html lang>', async () => {
    const user = userEvent.setup();
    const { saves, handlers } = settingsBackend();
    mockBackend({ handlers });
    renderSettings();
    const korean = await screen.findByRole('radio', { name: '한국어' });
    expect(screen.getByRole('radio', { name: 'System language' })).toBeChecked();
    await user.click(korean);
    await waitFor(() => expect(saves.at(-1)?.language).toBe('ko'));
    // The screen speaks Korean now, the picker included.
    expect(await screen.findByRole('heading', { level: 1, name: '설정' })).toBeInTheDocument();
    expect(screen.getByRole('radio', { name: '시스템 언어' })).not.toBeChecked();
    expect(document.documentElement.lang).toBe('ko');
    expect(localStorage.getItem('switchboard.language')).toBe('ko');
    await user.click(screen.getByRole('radio', { name: 'English' }));
    await waitFor(() => expect(saves.at(-1)?.language).toBe('en'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('en');
  });

  it('disables the tray settings with the reason when there is no tray host', async () => {
    mockBackend({ handlers: settingsBackend().handlers });
    renderSettings();
    const close = await screen.findByRole('switch', { name: /Keep running in the tray/ });
    await waitFor(() => expect(close).toBeDisabled());
    expect(screen.getByRole('switch', { name: /Start hidden/ })).toBeDisabled();
    expect(screen.getByTestId('tray-reason')).toHaveTextContent(/No system tray was found/);
    expect(close).toHaveAccessibleDescription(/No system tray was found/);
  });

  it('saves the tray settings where a tray host exists', async () => {
    const user = userEvent.setup();
    const { saves, handlers } = settingsBackend();
    const status = sampleStatus();
    status.environment.trayHost = { available: true, detail: 'StatusNotifierWatcher found' };
    mockBackend({ status, handlers });
    renderSettings();
    const close = await screen.findByRole('switch', { name: /Keep running in the tray/ });
    await waitFor(() => expect(close).toBeEnabled());
    expect(close).toBeChecked();
    expect(screen.queryByTestId('tray-reason')).not.toBeInTheDocument();
    await user.click(close);
    await waitFor(() => expect(saves.at(-1)?.closeToTray).toBe(false));
    await user.click(screen.getByRole('switch', { name: /Start hidden/ }));
    await waitFor(() =>
      expect(saves.at(-1)).toMatchObject({ closeToTray: false, startHidden: true }),
    );
  });

  it('turns start at login on, and shows why the login entry could not be made', async () => {
    const user = userEvent.setup();
    const { saves, handlers } = settingsBackend();
    mockBackend({ handlers });
    renderSettings();
    const login = await screen.findByRole('switch', { name: 'Start at login' });
    expect(login).not.toBeChecked();
    expect(login).toBeEnabled();
    await user.click(login);
    await waitFor(() => expect(saves.at(-1)?.startAtLogin).toBe(true));
    await waitFor(() => expect(login).toBeChecked());
    expect(screen.queryByTestId('start-at-login-error')).not.toBeInTheDocument();

    const refusing: Handlers = {
      ...handlers,
      settings_set: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the Rust side rejects with plain objects
        throw {
          kind: 'io',
          message: 'cannot remove the login entry: permission denied',
          field: 'startAtLogin',
          index: null,
        };
      },
    };
    mockBackend({ handlers: refusing });
    await user.click(login);
    expect(await screen.findByTestId('start-at-login-error')).toHaveTextContent(
      'cannot remove the login entry',
    );
    expect(login).toBeChecked();
  });

  it('saves the detection interval, "off" included', async () => {
    const user = userEvent.setup();
    const { saves, handlers } = settingsBackend({ detectIntervalSecs: 45 });
    mockBackend({ handlers });
    renderSettings();
    const select = await screen.findByRole('combobox', { name: 'Detect local servers' });
    expect(select).toHaveValue('45');
    await user.selectOptions(select, 'Off');
    await waitFor(() => expect(saves.at(-1)?.detectIntervalSecs).toBe(0));
    await user.selectOptions(select, 'Every 5 minutes');
    await waitFor(() => expect(saves.at(-1)?.detectIntervalSecs).toBe(300));
  });

  it('adds and removes server URLs, showing a refused one beside the input', async () => {
    const user = userEvent.setup();
    const { saves, handlers } = settingsBackend({ extraServerUrls: ['http://10.0.0.2:8001/v1'] });
    mockBackend({ handlers });
    renderSettings();
    const input = await screen.findByRole('textbox', { name: 'Server URL to add' });

    await user.type(input, 'localhost:8000');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    const error = await screen.findByTestId('url-error');
    expect(error).toHaveTextContent('must start with http:// or https://');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveValue('localhost:8000');
    expect(screen.getByTestId('settings-save-status')).toHaveTextContent('Not saved');
    expect(within(screen.getByTestId('url-list')).getAllByRole('listitem')).toHaveLength(1);

    await user.clear(input);
    await user.type(input, ' http://192.168.1.20:8000/v1 {Enter}');
    await waitFor(() => expect(input).toHaveValue(''));
    expect(screen.queryByTestId('url-error')).not.toBeInTheDocument();
    const items = within(screen.getByTestId('url-list')).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('code')?.textContent)).toEqual([
      'http://10.0.0.2:8001/v1',
      'http://192.168.1.20:8000/v1',
    ]);

    await user.click(screen.getByRole('button', { name: 'Remove http://10.0.0.2:8001/v1' }));
    await waitFor(() =>
      expect(saves.at(-1)?.extraServerUrls).toEqual(['http://192.168.1.20:8000/v1']),
    );
    expect(within(screen.getByTestId('url-list')).getAllByRole('listitem')).toHaveLength(1);
  });

  it('copies a location and shows the load warning', async () => {
    const user = userEvent.setup();
    mockBackend({ handlers: settingsBackend({}, 'settings.json: it is not valid JSON').handlers });
    renderSettings();
    expect(await screen.findByTestId('settings-warning')).toHaveTextContent('not valid JSON');
    await user.click(screen.getByRole('button', { name: 'Copy the settings file path' }));
    expect(await navigator.clipboard.readText()).toBe(sampleSettingsView().locations.settingsFile);
    expect(screen.getByTestId('copy-settings-path')).toHaveTextContent('Copied');
  });
});
