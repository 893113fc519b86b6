import { defineContext } from './context';
import { getAppStatus, toIpcError, type AppStatus, type IpcError } from './ipc';

type Phase = 'idle' | 'loading' | 'ready' | 'error';

/** Loads `app_status` once and shares it between screens (Settings, Providers). */
export class AppStatusStore {
  #phase = $state<Phase>('idle');
  #status = $state<AppStatus | undefined>();
  #error = $state<IpcError | undefined>();
  readonly #fetch: () => Promise<AppStatus>;

  constructor(fetch: () => Promise<AppStatus> = getAppStatus) {
    this.#fetch = fetch;
  }

  get phase(): Phase {
    return this.#phase;
  }

  get status(): AppStatus | undefined {
    return this.#status;
  }

  get error(): IpcError | undefined {
    return this.#error;
  }

  /** Load unless a load is running or has succeeded. */
  ensureLoaded(): Promise<void> {
    if (this.#phase === 'loading' || this.#phase === 'ready') return Promise.resolve();
    return this.reload();
  }

  async reload(): Promise<void> {
    this.#phase = 'loading';
    try {
      this.#status = await this.#fetch();
      this.#error = undefined;
      this.#phase = 'ready';
    } catch (error) {
      this.#error = toIpcError(error);
      this.#phase = 'error';
    }
  }
}

export const appStatusContext = defineContext<AppStatusStore>('AppStatusStore');
