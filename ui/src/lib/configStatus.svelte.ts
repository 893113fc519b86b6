/**
 * Whether the config file is broken, for every screen: the shell's banner, Chat (why there is no
 * route) and the sidebar's route chip read it here; the Providers screen shows the full recovery
 * view. It is read at start, on each navigation, when the window gets focus, and on each
 * `config-changed` event (the app watches the files): then it also keeps what an edit made
 * outside the app changed, for the short "changed outside Switchboard" banner.
 */
import { defineContext } from './context';
import {
  configLoad,
  configRoutesKept,
  type ConfigChange,
  type ConfigDiagnostic,
  type ConfigChanged,
  type ConfigView,
} from './ipc';

/** What an edit made outside the app changed, as last reported. */
export interface OutsideChange {
  /** Counts up with each report, so the banner restarts its timer for a new one. */
  seq: number;
  changes: ConfigChange[];
}

/** Where a diagnostic points: `file:line:col`, or the file alone when it has no position. */
export function diagnosticPosition(d: Pick<ConfigDiagnostic, 'file' | 'line' | 'column'>): string {
  return d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
}

export class ConfigStatusStore {
  #view = $state<ConfigView | undefined>();
  #routesKept = $state(false);
  #outside = $state<OutsideChange | undefined>();
  #loading: Promise<void> | undefined;
  readonly #load: () => Promise<ConfigView>;
  readonly #loadKept: () => Promise<boolean>;

  /**
   * `load` reads the file; `loadKept` asks whether the last good config keeps routing (so a
   * window opened or reloaded while the file is broken knows, without the event it missed).
   */
  constructor(
    load: () => Promise<ConfigView> = configLoad,
    loadKept: () => Promise<boolean> = configRoutesKept,
  ) {
    this.#load = load;
    this.#loadKept = loadKept;
  }

  /** The file exists and does not parse or validate: nothing routes until it is fixed. */
  get broken(): boolean {
    return this.#view !== undefined && this.#view.exists && !this.#view.valid;
  }

  /** The file is broken, and the last good config keeps routing (not at a broken start). */
  get routesKept(): boolean {
    return this.broken && this.#routesKept;
  }

  /** The last change made outside the app, until dismissed. */
  get outsideChange(): OutsideChange | undefined {
    return this.#outside;
  }

  dismissOutsideChange(): void {
    this.#outside = undefined;
  }

  /** A `config-changed` report: notes it, then reads the file for the banner's details. */
  changed(update: ConfigChanged): Promise<void> {
    if (update.kind === 'kept') {
      this.#routesKept = update.routesKept;
    } else {
      this.#routesKept = false;
      if (update.outside) {
        this.#outside = { seq: (this.#outside?.seq ?? 0) + 1, changes: update.changes };
      }
    }
    // A read already under way may predate this change: read again after it.
    const pending = this.#loading;
    return pending ? pending.then(() => this.refresh()) : this.refresh();
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
    this.#loading ??= Promise.all([this.#load(), this.#loadKept().catch(() => this.#routesKept)])
      .then(
        ([view, kept]) => {
          this.#view = view;
          this.#routesKept = kept;
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
