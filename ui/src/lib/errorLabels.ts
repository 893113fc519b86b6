/**
 * The one place that words error kinds for people: every IPC error `kind`, chat failure
 * `reason`, route attempt and provider health `reason` maps to the message key of a few
 * lower-case words ("rate-limited", "unreachable"), translated by the i18n module. The record is
 * typed over every kind, so TypeScript fails when Rust adds one (the kinds' unions are generated
 * from the Rust enums, `generated/ipc.ts`).
 */
import { t, type MessageId } from './i18n/i18n.svelte';
import type { ErrorKind } from './errorKinds';
import type { HealthReason, RouteAttemptReason } from './ipc-types';

/** Every kind or reason the UI may have to word. */
export type LabelledKind = ErrorKind | RouteAttemptReason | HealthReason;

/** The words for one kind: a few lower-case words, and a whole sentence. */
interface KindWords {
  /** For a badge or a route line ("rate-limited"). */
  readonly label: MessageId;
  /** For a message that stands alone ("The provider is limiting requests; try again shortly."). */
  readonly why: MessageId;
}

export const ERROR_LABELS: Readonly<Record<LabelledKind, KindWords>> = {
  // A provider's error class (also a chat turn's reason).
  auth: { label: 'error.auth', why: 'error.auth.why' },
  billing: { label: 'error.billing', why: 'error.billing.why' },
  forbidden: { label: 'error.forbidden', why: 'error.forbidden.why' },
  not_found: { label: 'error.not_found', why: 'error.not_found.why' },
  model_not_loaded: { label: 'error.model_not_loaded', why: 'error.model_not_loaded.why' },
  rate_limit: { label: 'error.rate_limit', why: 'error.rate_limit.why' },
  overloaded: { label: 'error.overloaded', why: 'error.overloaded.why' },
  server: { label: 'error.server', why: 'error.server.why' },
  timeout: { label: 'error.timeout', why: 'error.timeout.why' },
  connection: { label: 'error.connection', why: 'error.connection.why' },
  context_overflow: { label: 'error.context_overflow', why: 'error.context_overflow.why' },
  bad_request: { label: 'error.bad_request', why: 'error.bad_request.why' },
  protocol: { label: 'error.protocol', why: 'error.protocol.why' },
  truncated: { label: 'error.truncated', why: 'error.truncated.why' },
  cancelled: { label: 'error.cancelled', why: 'error.cancelled.why' },
  config: { label: 'error.config', why: 'error.config.why' },
  unsupported: { label: 'error.unsupported', why: 'error.unsupported.why' },
  // The route's.
  model_not_found: { label: 'error.model_not_found', why: 'error.model_not_found.why' },
  no_primary: { label: 'error.no_primary', why: 'error.no_primary.why' },
  no_route: { label: 'error.no_route', why: 'error.no_route.why' },
  interrupted: { label: 'error.interrupted', why: 'error.interrupted.why' },
  private: { label: 'error.private', why: 'error.private.why' },
  over_budget: { label: 'error.over_budget', why: 'error.over_budget.why' },
  no_image_input: { label: 'error.no_image_input', why: 'error.no_image_input.why' },
  no_tool_use: { label: 'error.no_tool_use', why: 'error.no_tool_use.why' },
  cooldown: { label: 'error.cooldown', why: 'error.cooldown.why' },
  budget: { label: 'error.budget', why: 'error.budget.why' },
  // Core's.
  io: { label: 'error.io', why: 'error.io.why' },
  invalid_input: { label: 'error.invalid_input', why: 'error.invalid_input.why' },
  no_location: { label: 'error.no_location', why: 'error.no_location.why' },
  database: { label: 'error.database', why: 'error.database.why' },
  invalid_config: { label: 'error.invalid_config', why: 'error.invalid_config.why' },
  conflict: { label: 'error.conflict', why: 'error.conflict.why' },
  not_writable: { label: 'error.not_writable', why: 'error.not_writable.why' },
  keychain: { label: 'error.keychain', why: 'error.keychain.why' },
  // The shell's and discovery's.
  not_ready: { label: 'error.not_ready', why: 'error.not_ready.why' },
  internal: { label: 'error.internal', why: 'error.internal.why' },
  unreachable: { label: 'error.unreachable', why: 'error.unreachable.why' },
  no_chat_models: { label: 'error.no_chat_models', why: 'error.no_chat_models.why' },
  // The UI's own.
  not_in_app: { label: 'error.not_in_app', why: 'error.not_in_app.why' },
  unknown: { label: 'error.unknown', why: 'error.unknown.why' },
};

/**
 * Words for `kind`; `fallback` when there is none ("failed" in the current language by
 * default). A kind this version does not know (an old history entry, say) is shown as its own
 * words (`server_error` → `server error`).
 */
export function errorLabel(kind: string | null | undefined, fallback?: string): string {
  if (!kind) return fallback ?? t('error.failed');
  return Object.hasOwn(ERROR_LABELS, kind)
    ? t(ERROR_LABELS[kind as LabelledKind].label)
    : kind.replaceAll('_', ' ');
}

/**
 * A sentence saying what went wrong, for `kind` (an unknown kind gets "Something went wrong.").
 * Core's own texts are English (the CLI's and the logs' language); a window in another language
 * leads with this sentence and keeps core's exact text beside it (see `ErrorText.svelte`).
 */
export function errorSentence(kind: string | null | undefined): string {
  const known = kind && Object.hasOwn(ERROR_LABELS, kind) ? (kind as LabelledKind) : 'unknown';
  return t(ERROR_LABELS[known].why);
}

/** The same words starting with a capital, for a heading or a row ("Rate-limited"). */
export function errorTitle(kind: string | null | undefined, fallback?: string): string {
  const label = errorLabel(kind, fallback);
  return label.charAt(0).toUpperCase() + label.slice(1);
}
