/**
 * The one place that words error kinds for people: every IPC error `kind`, chat failure
 * `reason`, route attempt and provider health `reason` maps to the message key of a few
 * lower-case words ("rate-limited", "unreachable"), translated by the i18n module. The record is
 * typed over every kind, so TypeScript fails when Rust adds one (the kinds themselves are
 * pinned by the Rust contract test).
 */
import { t, type MessageId } from './i18n/i18n.svelte';
import type { ErrorKind, HealthReason, RouteAttemptReason } from './ipc';

/** Every kind or reason the UI may have to word. */
export type LabelledKind = ErrorKind | RouteAttemptReason | HealthReason;

export const ERROR_LABELS: Readonly<Record<LabelledKind, MessageId>> = {
  // A provider's error class (also a chat turn's reason).
  auth: 'error.auth',
  billing: 'error.billing',
  forbidden: 'error.forbidden',
  not_found: 'error.not_found',
  model_not_loaded: 'error.model_not_loaded',
  rate_limit: 'error.rate_limit',
  overloaded: 'error.overloaded',
  server: 'error.server',
  timeout: 'error.timeout',
  connection: 'error.connection',
  context_overflow: 'error.context_overflow',
  bad_request: 'error.bad_request',
  protocol: 'error.protocol',
  truncated: 'error.truncated',
  cancelled: 'error.cancelled',
  config: 'error.config',
  unsupported: 'error.unsupported',
  // The route's.
  model_not_found: 'error.model_not_found',
  no_primary: 'error.no_primary',
  no_route: 'error.no_route',
  interrupted: 'error.interrupted',
  private: 'error.private',
  over_budget: 'error.over_budget',
  no_image_input: 'error.no_image_input',
  no_tool_use: 'error.no_tool_use',
  cooldown: 'error.cooldown',
  budget: 'error.budget',
  // Core's.
  io: 'error.io',
  invalid_input: 'error.invalid_input',
  no_location: 'error.no_location',
  database: 'error.database',
  invalid_config: 'error.invalid_config',
  conflict: 'error.conflict',
  not_writable: 'error.not_writable',
  keychain: 'error.keychain',
  // The shell's and discovery's.
  not_ready: 'error.not_ready',
  internal: 'error.internal',
  unreachable: 'error.unreachable',
  no_chat_models: 'error.no_chat_models',
  // The UI's own.
  not_in_app: 'error.not_in_app',
  unknown: 'error.unknown',
};

/**
 * Words for `kind`; `fallback` when there is none ("failed" in the current language by
 * default). A kind this version does not know (an old history entry, say) is shown as its own
 * words (`server_error` → `server error`).
 */
export function errorLabel(kind: string | null | undefined, fallback?: string): string {
  if (!kind) return fallback ?? t('error.failed');
  return Object.hasOwn(ERROR_LABELS, kind)
    ? t(ERROR_LABELS[kind as LabelledKind])
    : kind.replaceAll('_', ' ');
}

/** The same words starting with a capital, for a heading or a row ("Rate-limited"). */
export function errorTitle(kind: string | null | undefined, fallback?: string): string {
  const label = errorLabel(kind, fallback);
  return label.charAt(0).toUpperCase() + label.slice(1);
}
