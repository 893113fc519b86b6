/**
 * Every `kind` an IPC error can have: the Rust side's ({@link IpcErrorKind}, generated) and the
 * UI's own. Its own module so that `ipc.ts` (which words a bare kind) and `errorLabels.ts`
 * (which has the words) both depend on it and not on each other.
 */
import type { IpcErrorKind } from './ipc-types';

/** Error kinds produced on the UI side (the Rust side's are {@link IpcErrorKind}). */
export const UI_ERROR_KINDS = {
  /** The page is not running inside the Switchboard webview (e.g. a plain browser). */
  notInApp: 'not_in_app',
  /** The rejection did not carry a recognisable `{ kind, message }` shape. */
  unknown: 'unknown',
} as const;

export type UiErrorKind = (typeof UI_ERROR_KINDS)[keyof typeof UI_ERROR_KINDS];

/** Every `kind` an `IpcError` can have: the Rust side's, or the UI's own. */
export type ErrorKind = IpcErrorKind | UiErrorKind;
