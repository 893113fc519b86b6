import { applyLanguage, rememberLanguage, setSystemLocale } from './i18n/i18n.svelte';
import { defineContext } from './context';
import {
  settingsGet,
  settingsSet,
  toIpcError,
  type AppSettings,
  type IpcError,
  type Locations,
  type Theme,
} from './ipc';

/** Where the last theme is remembered, so the next start can apply it before the first paint. */
export const THEME_STORAGE_KEY = 'switchboard.theme';

const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

/**
 * Puts `theme` on the page: `data-theme` on `<html>` for light or dark (app.css honours it);
 * none for system, so the page follows `prefers-color-scheme`, live.
 */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

function remember(theme: Theme): void {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage can be unavailable; the theme then applies once the settings load.
  }
}

/** Applies the theme remembered from the last run, if any (call before mounting the app). */
export function applyRememberedTheme(root: HTMLElement = document.documentElement): void {
  let stored: string | null;
  try {
    stored = localStorage.getItem(THEME_STORAGE_KEY);
  } catch {
    return;
  }
  if (isTheme(stored)) applyTheme(stored, root);
}

type Phase = 'idle' | 'loading' | 'ready' | 'error';
export type SaveStatus = 'idle' | 'saving' | 'saved' | 'error';

/** The two commands the store needs (tests pass fakes). */
export interface SettingsBackend {
  get: typeof settingsGet;
  set: typeof settingsSet;
}

/**
 * The desktop settings: loaded once (and the theme applied), changed one save at a time. A
 * change is saved at once; until the backend confirms it, the saved settings stay in effect, so
 * a failed save loses nothing and shows its error (with the field it is about).
 */
export class SettingsStore {
  #phase = $state<Phase>('idle');
  #settings = $state<AppSettings | undefined>();
  #locations = $state<Locations | undefined>();
  #warning = $state<string | null>(null);
  #loadError = $state<IpcError | undefined>();
  #saveStatus = $state<SaveStatus>('idle');
  #saveError = $state<IpcError | undefined>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #backend: SettingsBackend;

  constructor(backend: SettingsBackend = { get: settingsGet, set: settingsSet }) {
    this.#backend = backend;
  }

  get phase(): Phase {
    return this.#phase;
  }

  /** The settings in effect (saved), once loaded. */
  get settings(): AppSettings | undefined {
    return this.#settings;
  }

  get locations(): Locations | undefined {
    return this.#locations;
  }

  /** Why the settings file was not used at start (cleared by the next save). */
  get warning(): string | null {
    return this.#warning;
  }

  get loadError(): IpcError | undefined {
    return this.#loadError;
  }

  get saveStatus(): SaveStatus {
    return this.#saveStatus;
  }

  /** Why the last save failed; `field` (and `index`) name the setting it is about. */
  get saveError(): IpcError | undefined {
    return this.#saveError;
  }

  /** Load unless a load is running or has succeeded. */
  ensureLoaded(): Promise<void> {
    if (this.#phase === 'loading' || this.#phase === 'ready') return Promise.resolve();
    return this.reload();
  }

  async reload(): Promise<void> {
    this.#phase = 'loading';
    try {
      const view = await this.#backend.get();
      this.#settings = view.settings;
      this.#locations = view.locations;
      this.#warning = view.warning;
      this.#loadError = undefined;
      this.#phase = 'ready';
      applyTheme(view.settings.theme);
      remember(view.settings.theme);
      setSystemLocale(view.systemLocale);
      applyLanguage(view.settings.language);
      rememberLanguage(view.settings.language);
    } catch (error) {
      this.#loadError = toIpcError(error);
      this.#phase = 'error';
    }
  }

  /**
   * Saves the settings with `change` applied; resolves to true when saved. Saves run one at a
   * time, each on top of the last saved settings. A theme shows at once and is undone if the
   * save fails.
   */
  update(change: Partial<AppSettings>): Promise<boolean> {
    if (change.theme) applyTheme(change.theme);
    const run = this.#queue.then(() => this.#save(change));
    this.#queue = run;
    return run;
  }

  async #save(change: Partial<AppSettings>): Promise<boolean> {
    const current = this.#settings;
    if (!current) return false;
    this.#saveStatus = 'saving';
    try {
      const saved = await this.#backend.set({ ...current, ...change });
      this.#settings = saved;
      this.#warning = null;
      this.#saveError = undefined;
      this.#saveStatus = 'saved';
      remember(saved.theme);
      applyTheme(saved.theme);
      applyLanguage(saved.language);
      rememberLanguage(saved.language);
      return true;
    } catch (error) {
      this.#saveError = toIpcError(error);
      this.#saveStatus = 'error';
      applyTheme(this.#settings?.theme ?? 'system');
      return false;
    }
  }

  /** Forgets the last save error (the user edited the field again). */
  clearSaveError(): void {
    if (this.#saveStatus === 'error') this.#saveStatus = 'idle';
    this.#saveError = undefined;
  }
}

export const settingsContext = defineContext<SettingsStore>('SettingsStore');
