/**
 * The one place that words error kinds for people: every IPC error `kind`, chat failure
 * `reason`, route attempt and provider health `reason` maps to a few lower-case words
 * ("rate-limited", "unreachable"). The record is typed over every kind, so TypeScript fails
 * when Rust adds one (the kinds themselves are pinned by the Rust contract test).
 */
import type { ErrorKind, HealthReason, RouteAttemptReason } from './ipc';

/** Every kind or reason the UI may have to word. */
export type LabelledKind = ErrorKind | RouteAttemptReason | HealthReason;

export const ERROR_LABELS: Readonly<Record<LabelledKind, string>> = {
  // A provider's error class (also a chat turn's reason).
  auth: 'key rejected',
  billing: 'out of credit',
  forbidden: 'access denied',
  not_found: 'not found',
  model_not_loaded: 'model not loaded',
  rate_limit: 'rate-limited',
  overloaded: 'overloaded',
  server: 'server error',
  timeout: 'timed out',
  connection: 'unreachable',
  context_overflow: 'context too small',
  bad_request: 'request rejected',
  protocol: 'bad reply',
  truncated: 'reply cut off',
  cancelled: 'cancelled',
  config: 'not configured',
  unsupported: 'not supported yet',
  // The route's.
  model_not_found: 'unknown model',
  no_primary: 'no primary route',
  no_route: 'no route left',
  interrupted: 'broke off mid-answer',
  private: 'kept private',
  over_budget: 'over budget',
  cooldown: 'cooling down',
  budget: 'over budget',
  // Core's.
  io: 'file error',
  invalid_input: 'invalid input',
  no_location: 'no place for files',
  database: 'history database error',
  invalid_config: 'config has errors',
  conflict: 'config changed on disk',
  not_writable: 'config not writable',
  keychain: 'keychain unavailable',
  // The shell's and discovery's.
  not_ready: 'still starting',
  internal: 'internal error',
  unreachable: 'unreachable',
  no_chat_models: 'no chat models',
  // The UI's own.
  not_in_app: 'not in the app',
  unknown: 'unknown error',
};

/**
 * Words for `kind`; `fallback` when there is none. A kind this version does not know (an old
 * history entry, say) is shown as its own words (`server_error` → `server error`).
 */
export function errorLabel(kind: string | null | undefined, fallback = 'failed'): string {
  if (!kind) return fallback;
  return Object.hasOwn(ERROR_LABELS, kind)
    ? ERROR_LABELS[kind as LabelledKind]
    : kind.replaceAll('_', ' ');
}

/** The same words starting with a capital, for a heading or a row ("Rate-limited"). */
export function errorTitle(kind: string | null | undefined, fallback = 'Failed'): string {
  const label = errorLabel(kind, fallback);
  return label.charAt(0).toUpperCase() + label.slice(1);
}
