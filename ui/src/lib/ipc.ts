/**
 * The one typed wrapper around the Tauri IPC bridge.
 *
 * This is the ONLY module that imports `@tauri-apps/api/core`. Each Rust command gets one
 * typed function here, and every rejection is normalised into an {@link IpcError}, so the
 * rest of the UI can branch on `kind` instead of parsing message text.
 */
import { invoke } from '@tauri-apps/api/core';

/** Error kinds produced on the UI side (the Rust side adds its own, e.g. `io`, `config`). */
export const UI_ERROR_KINDS = {
  /** The page is not running inside the Switchboard webview (e.g. a plain browser). */
  notInApp: 'not_in_app',
  /** The rejection did not carry a recognisable `{ kind, message }` shape. */
  unknown: 'unknown',
} as const;

/** A failed IPC call. The Rust side rejects with `{ kind, message }` objects. */
export class IpcError extends Error {
  readonly kind: string;

  constructor(kind: string, message: string) {
    super(message);
    this.name = 'IpcError';
    this.kind = kind;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Turn anything an `invoke` may reject with into an {@link IpcError}. */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  if (nonEmpty(error)) return new IpcError(UI_ERROR_KINDS.unknown, error);
  if (isRecord(error)) {
    const kind = nonEmpty(error.kind) ? error.kind : UI_ERROR_KINDS.unknown;
    if (nonEmpty(error.message)) return new IpcError(kind, error.message);
    if (error instanceof Error) return new IpcError(kind, error.name);
    if (kind !== UI_ERROR_KINDS.unknown) return new IpcError(kind, `The app reported "${kind}".`);
  }
  return new IpcError(UI_ERROR_KINDS.unknown, 'An unknown error occurred.');
}

/** True when the Tauri IPC bridge (or a test mock of it) is present. */
function hasBridge(): boolean {
  const internals = (globalThis as { __TAURI_INTERNALS__?: { invoke?: unknown } })
    .__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!hasBridge()) {
    throw new IpcError(
      UI_ERROR_KINDS.notInApp,
      'Not running inside the Switchboard app: this page is open in a plain browser. ' +
        'Open Switchboard itself to see its version, files and environment.',
    );
  }
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toIpcError(error);
  }
}

// ---------------------------------------------------------------------------
// Types shared with the Rust side (camelCase, as serialised by serde).

/** The result of one environment check. */
export interface Probe {
  available: boolean;
  /** What is missing and how to fix it, or what was found. */
  detail: string;
}

export interface EnvironmentProbes {
  dbusSession: Probe;
  trayHost: Probe;
  keyring: Probe;
}

export interface AppStatus {
  version: string;
  configPath: string;
  dataDir: string;
  logDir: string;
  environment: EnvironmentProbes;
}

// ---------------------------------------------------------------------------
// Commands.

/** `app_status`: version, paths and environment probes. */
export function getAppStatus(): Promise<AppStatus> {
  return call<AppStatus>('app_status');
}
