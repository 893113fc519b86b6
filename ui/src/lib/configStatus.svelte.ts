/**
 * Whether the config file is broken, for every screen: the shell's banner, Chat (why there is no
 * route) and the sidebar's route chip read it here; the Providers screen shows the full recovery
 * view. It is read at start and again on each navigation and when the window gets focus (the
 * file is fixed in a text editor, outside the app).
 */
import { defineContext } from './context';
import { configLoad, type ConfigDiagnostic, type ConfigView } from './ipc';

/** Where a diagnostic points: `file:line:col`, or the file alone when it has no position. */
export function diagnosticPosition(d: Pick<ConfigDiagnostic, 'file' | 'line' | 'column'>): string {
  return d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
}

export class ConfigStatusStore {
  #view = $state<ConfigView | undefined>();
  #loading: Promise<void> | undefined;
  readonly #load: () => Promise<ConfigView>;

  constructor(load: () => Promise<ConfigView> = configLoad) {
    this.#load = load;
  }

  /** The file exists and does not parse or validate: nothing routes until it is fixed. */
  get broken(): boolean {
    return this.#view !== undefined && this.#view.exists && !this.#view.valid;
  }

  get path(): string | undefined {
    return this.#view?.path;
  }

  /** The errors (not warnings) in the file, first first. */
  get errors(): ConfigDiagnostic[] {
    return this.#view?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  }

  /** Reads the file again; one read at a time. A failed read keeps what was known. */
  refresh(): Promise<void> {
    this.#loading ??= this.#load()
      .then(
        (view) => {
          this.#view = view;
        },
        () => {
          // Outside the app, or unreadable: the screens report it themselves.
        },
      )
      .finally(() => {
        this.#loading = undefined;
      });
    return this.#loading;
  }
}

export const configStatusContext = defineContext<ConfigStatusStore>('ConfigStatusStore');
