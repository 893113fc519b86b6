/**
 * The one typed wrapper around the Tauri IPC bridge.
 *
 * This is the ONLY module that imports `@tauri-apps/api` (`core` and `event`). Each Rust command gets one
 * typed function here, and every rejection is normalised into an {@link IpcError}, so the
 * rest of the UI can branch on `kind` instead of parsing message text.
 */
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type {
  AppStatus,
  ConfigDiagnostic,
  ConfigView,
  ImportSummary,
  ConfigEdit,
  DetectedServer,
  ScanReport,
  ScanRequest,
  LoadedModel,
  AddedProfile,
  KeysStatus,
  KeyTestResult,
  KeyTestTarget,
  Conversation,
  LoadedConversation,
  SearchHit,
  ChatStarted,
  ChatModels,
  ChatEvent,
} from './ipc-types';

export type * from './ipc-types';

/** Error kinds produced on the UI side (the Rust side adds its own, e.g. `io`, `config`). */
export const UI_ERROR_KINDS = {
  /** The page is not running inside the Switchboard webview (e.g. a plain browser). */
  notInApp: 'not_in_app',
  /** The rejection did not carry a recognisable `{ kind, message }` shape. */
  unknown: 'unknown',
} as const;

/**
 * A failed IPC call. The Rust side rejects with `{ kind, message }` objects; a refused config
 * edit adds `diagnostics`, each with the config path of the field it is about.
 */
export class IpcError extends Error {
  readonly kind: string;
  readonly diagnostics: readonly ConfigDiagnostic[];

  constructor(kind: string, message: string, diagnostics: readonly ConfigDiagnostic[] = []) {
    super(message);
    this.name = 'IpcError';
    this.kind = kind;
    this.diagnostics = diagnostics;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function isDiagnostic(value: unknown): value is ConfigDiagnostic {
  return isRecord(value) && typeof value.path === 'string' && typeof value.message === 'string';
}

/** Turn anything an `invoke` may reject with into an {@link IpcError}. */
export function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcError) return error;
  if (nonEmpty(error)) return new IpcError(UI_ERROR_KINDS.unknown, error);
  if (isRecord(error)) {
    const kind = nonEmpty(error.kind) ? error.kind : UI_ERROR_KINDS.unknown;
    const diagnostics = Array.isArray(error.diagnostics)
      ? error.diagnostics.filter(isDiagnostic)
      : [];
    if (nonEmpty(error.message)) return new IpcError(kind, error.message, diagnostics);
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
// Config (`config_*` commands).

/** Kinds the config commands reject with, besides `io` and `not_found`. */
export const CONFIG_ERROR_KINDS = {
  /** The file changed on disk since it was loaded: reload, then apply the edit again. */
  conflict: 'conflict',
  /** The config (or the edit) has errors, each in `diagnostics` with its config path. */
  invalidConfig: 'invalid_config',
  /** The file uses `$include` where Switchboard would write; edit it by hand. */
  notWritable: 'not_writable',
} as const;

// ---------------------------------------------------------------------------
// Commands.

/** `app_status`: version, paths and environment probes. */
export function getAppStatus(): Promise<AppStatus> {
  return call<AppStatus>('app_status');
}

/** `config_load`: the config as a view, with its problems as data. */
export function configLoad(): Promise<ConfigView> {
  return call<ConfigView>('config_load');
}

/**
 * `config_apply`: applies one edit to the file as it was at `revision` (from the last view) and
 * saves it. Rejects with `conflict` when the file changed since, `invalid_config` when refused.
 */
export function configApply(revision: string | null, edit: ConfigEdit): Promise<ConfigView> {
  return call<ConfigView>('config_apply', { revision, edit });
}

/** `config_import_openclaw`: imports OpenClaw's config (default: its usual place). */
export function configImportOpenclaw(path?: string): Promise<ImportSummary> {
  return call<ImportSummary>('config_import_openclaw', { path: path ?? null });
}

/** `config_export_openclaw`: writes our providers and routes into OpenClaw's config. */
export function configExportOpenclaw(path?: string): Promise<ImportSummary> {
  return call<ImportSummary>('config_export_openclaw', { path: path ?? null });
}

/** `discovery_scan`: probes LM Studio, Ollama, vLLM, llama.cpp, LiteLLM, Jan and extra URLs. */
export function discoveryScan(request?: ScanRequest): Promise<ScanReport> {
  return call<ScanReport>('discovery_scan', { request: request ?? null });
}

/** `discovery_add_profiles`: writes the chosen servers as provider profiles. */
export function discoveryAddProfiles(
  servers: Pick<DetectedServer, 'kind' | 'baseUrl'>[],
): Promise<AddedProfile[]> {
  return call<AddedProfile[]>('discovery_add_profiles', {
    servers: servers.map(({ kind, baseUrl }) => ({ kind, baseUrl })),
  });
}

/** `discovery_load_model`: asks LM Studio at `baseUrl` to load `model`. */
export function discoveryLoadModel(
  baseUrl: string,
  model: string,
  contextLength?: number,
): Promise<LoadedModel> {
  return call<LoadedModel>('discovery_load_model', {
    baseUrl,
    model,
    contextLength: contextLength ?? null,
  });
}

/** `keys_status`: where each provider's key comes from (never the key). */
export function keysStatus(): Promise<KeysStatus> {
  return call<KeysStatus>('keys_status');
}

/**
 * `keys_set`: stores `key` for `provider` in the OS keychain. The key is sent once and never
 * returned; callers should drop their copy right after. Rejects with `keychain` (and the fix in
 * the message) when there is no keychain.
 */
export async function keysSet(provider: string, key: string): Promise<void> {
  await call<null>('keys_set', { provider, key });
}

/** `keys_delete`: removes `provider`'s key from the keychain; false when there was none. */
export function keysDelete(provider: string): Promise<boolean> {
  return call<boolean>('keys_delete', { provider });
}

/** `keys_test`: one authenticated call with `key` (else the stored key). Stores nothing. */
export function keysTest(
  provider: string,
  key?: string,
  target: KeyTestTarget = {},
): Promise<KeyTestResult> {
  return call<KeyTestResult>('keys_test', {
    provider,
    key: key ?? null,
    baseUrl: target.baseUrl ?? null,
    api: target.api ?? null,
  });
}

/** `history_list`: conversations, pinned first, then most recent first. */
export function historyList(limit?: number, offset?: number): Promise<Conversation[]> {
  return call<Conversation[]>('history_list', { limit: limit ?? null, offset: offset ?? null });
}

/** `history_load`: a conversation with its newest messages, or the page before `before`. */
export function historyLoad(
  conversationId: number,
  before?: number,
  limit?: number,
): Promise<LoadedConversation> {
  return call<LoadedConversation>('history_load', {
    conversationId,
    before: before ?? null,
    limit: limit ?? null,
  });
}

/** `history_search`: matching messages with highlighted snippets, best first. */
export function historySearch(query: string, limit?: number): Promise<SearchHit[]> {
  return call<SearchHit[]>('history_search', { query, limit: limit ?? null });
}

/** `history_rename`: gives a conversation a person's title. */
export function historyRename(conversationId: number, title: string): Promise<Conversation> {
  return call<Conversation>('history_rename', { conversationId, title });
}

/** `history_delete`: deletes a conversation and its messages. */
export async function historyDelete(conversationId: number): Promise<void> {
  await call<null>('history_delete', { conversationId });
}

/** `chat_models`: the models to pick from, aliases first. */
export function chatModels(): Promise<ChatModels> {
  return call<ChatModels>('chat_models');
}

/** What to send: `conversationId` null starts a new conversation. */
export interface ChatSendInput {
  conversationId: number | null;
  /** An alias or `provider/model`; null: the default route (the primary). */
  model: string | null;
  text: string;
}

/**
 * `chat_send`: saves the message and streams the answer to `onEvent` through a Channel. Events
 * can arrive before the returned promise resolves; the stream ends with `done` or `error`.
 */
export function chatSend(
  input: ChatSendInput,
  onEvent: (event: ChatEvent) => void,
): Promise<ChatStarted> {
  if (!hasBridge()) return call<ChatStarted>('chat_send');
  const channel = new Channel<ChatEvent>();
  channel.onmessage = onEvent;
  return call<ChatStarted>('chat_send', { ...input, channel });
}

/**
 * `chat_retry_next`: "retry on next route" for answer `messageId`, which failed after its first
 * token. The same question goes to the route's next candidate as a new answer, streamed to
 * `onEvent`; the failed answer keeps its partial text.
 */
export function chatRetryNext(
  conversationId: number,
  messageId: number,
  onEvent: (event: ChatEvent) => void,
): Promise<ChatStarted> {
  if (!hasBridge()) return call<ChatStarted>('chat_retry_next');
  const channel = new Channel<ChatEvent>();
  channel.onmessage = onEvent;
  return call<ChatStarted>('chat_retry_next', { conversationId, messageId, channel });
}

/** `chat_cancel`: stops a streaming answer (its text so far is kept, marked stopped). */
export function chatCancel(requestId: number): Promise<boolean> {
  return call<boolean>('chat_cancel', { requestId });
}

// ---------------------------------------------------------------------------
// App events.

/** The event the tray's "New chat" item emits (no payload). */
export const TRAY_NEW_CHAT_EVENT = 'tray-new-chat';

/**
 * Calls `cb` each time "New chat" is picked in the tray. Resolves to the function that stops
 * listening; outside the app (no bridge) it listens to nothing.
 */
export async function onTrayNewChat(cb: () => void): Promise<UnlistenFn> {
  if (!hasBridge()) return () => {};
  try {
    return await listen<null>(TRAY_NEW_CHAT_EVENT, () => cb());
  } catch {
    return () => {};
  }
}
