/**
 * The one typed wrapper around the Tauri IPC bridge.
 *
 * This is the ONLY module that imports `@tauri-apps/api` (`core` and `event`). Each Rust command gets one
 * typed function here, and every rejection is normalised into an {@link IpcError}, so the
 * rest of the UI can branch on `kind` instead of parsing message text.
 */
import { t } from './i18n/i18n.svelte';
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { errorLabel } from './errorLabels';
import { UI_ERROR_KINDS, type ErrorKind } from './errorKinds';
import type {
  AppStatus,
  RouteHealth,
  ConfigDiagnostic,
  ConfigView,
  ConfigChanged,
  ImportSummary,
  ConfigEdit,
  DetectedServer,
  ScanReport,
  ScanRequest,
  LoadedModel,
  AddedProfile,
  SetupSaved,
  KeysStatus,
  KeyTestResult,
  KnownProvider,
  KeyTestTarget,
  RouteTestTarget,
  RouteTestResult,
  Conversation,
  ConversationParameters,
  ExportFormat,
  ExportedFile,
  LoadedConversation,
  Message,
  SearchHit,
  ChatStarted,
  ChatModels,
  ChatEvent,
  AppSettings,
  SettingsView,
  IpcErrorKind,
  SpendReport,
  QuickStarted,
  DownloadCandidate,
  DownloadEvent,
  DownloadRequest,
} from './ipc-types';

export type * from './ipc-types';

export { UI_ERROR_KINDS, type ErrorKind, type UiErrorKind } from './errorKinds';

/**
 * A failed IPC call. The Rust side rejects with `{ kind, message }` objects; a refused value
 * also names its input (`field`, and `index` in a list) so a form can show the message beside
 * it, and a refused config edit adds `diagnostics`, each with the config path of its field.
 */
export class IpcError extends Error {
  readonly kind: ErrorKind;
  readonly field: string | undefined;
  readonly index: number | undefined;
  readonly diagnostics: readonly ConfigDiagnostic[];
  /** Whether the Rust side wrote the message (in English) rather than the window itself. */
  readonly fromCore: boolean;

  constructor(
    kind: ErrorKind,
    message: string,
    details: {
      field?: string | undefined;
      index?: number | undefined;
      diagnostics?: readonly ConfigDiagnostic[];
      fromCore?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'IpcError';
    this.kind = kind;
    this.field = details.field;
    this.index = details.index;
    this.diagnostics = details.diagnostics ?? [];
    this.fromCore = details.fromCore ?? true;
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
    // `IpcErrorKind` is generated from the Rust enum the shell rejects with.
    const kind = nonEmpty(error.kind) ? (error.kind as IpcErrorKind) : UI_ERROR_KINDS.unknown;
    if (nonEmpty(error.message)) {
      return new IpcError(kind, error.message, {
        field: nonEmpty(error.field) ? error.field : undefined,
        index: typeof error.index === 'number' ? error.index : undefined,
        diagnostics: Array.isArray(error.diagnostics) ? error.diagnostics.filter(isDiagnostic) : [],
      });
    }
    if (error instanceof Error) return new IpcError(kind, error.name);
    if (kind !== UI_ERROR_KINDS.unknown) {
      return new IpcError(kind, t('app.reportedError', { label: errorLabel(kind) }), {
        fromCore: false,
      });
    }
  }
  return new IpcError(UI_ERROR_KINDS.unknown, t('app.unknownError'), { fromCore: false });
}

/** True when the Tauri IPC bridge (or a test mock of it) is present. */
function hasBridge(): boolean {
  const internals = (globalThis as { __TAURI_INTERNALS__?: { invoke?: unknown } })
    .__TAURI_INTERNALS__;
  return typeof internals?.invoke === 'function';
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!hasBridge()) {
    throw new IpcError(UI_ERROR_KINDS.notInApp, t('app.notInApp'), { fromCore: false });
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
} as const satisfies Record<string, IpcErrorKind>;

// ---------------------------------------------------------------------------
// Commands.

/** `app_status`: version, paths and environment probes. */
export function getAppStatus(): Promise<AppStatus> {
  return call<AppStatus>('app_status');
}

/** `route_health`: the default route's health now (later changes come as events). */
export function routeHealth(): Promise<RouteHealth> {
  return call<RouteHealth>('route_health');
}

/** `config_routes_kept`: the file is broken and the last good config keeps routing. */
export function configRoutesKept(): Promise<boolean> {
  return call<boolean>('config_routes_kept');
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

/** `config_import_openclaw`: imports OpenClaw's config from its own place (the page names no file). */
export function configImportOpenclaw(): Promise<ImportSummary> {
  return call<ImportSummary>('config_import_openclaw');
}

/** `config_export_openclaw`: writes our providers and routes into OpenClaw's own config file. */
export function configExportOpenclaw(): Promise<ImportSummary> {
  return call<ImportSummary>('config_export_openclaw');
}

/** `discovery_scan`: probes LM Studio, Ollama, vLLM, llama.cpp, LiteLLM, Jan and extra URLs. */
/**
 * `quick_start`: probes the suggested server again, tests `model` live and saves it as the
 * local-only setup in one write; nothing is saved when it does not answer. Cancel with
 * `routeTestCancel(QUICK_START_GROUP)`.
 */
export function quickStart(
  server: Pick<DetectedServer, 'kind' | 'baseUrl'>,
  model: string,
): Promise<QuickStarted> {
  return call<QuickStarted>('quick_start', {
    server: { kind: server.kind, baseUrl: server.baseUrl },
    model,
  });
}

/** The route-test group a quick start runs in. */
export const QUICK_START_GROUP = 'quick-start';

export function discoveryScan(request?: ScanRequest): Promise<ScanReport> {
  return call<ScanReport>('discovery_scan', { request: request ?? null });
}

/**
 * `setup_save`: the setup wizard's Save in one write: the chosen servers' profiles (probed
 * again), then `edits`, validated together, over the file as it was at `revision`.
 */
export function setupSave(
  revision: string | null,
  servers: Pick<DetectedServer, 'kind' | 'baseUrl'>[],
  edits: ConfigEdit[],
): Promise<SetupSaved> {
  return call<SetupSaved>('setup_save', {
    revision,
    servers: servers.map(({ kind, baseUrl }) => ({ kind, baseUrl })),
    edits,
  });
}

/** `discovery_add_profiles`: writes the chosen servers as provider profiles. */
export function discoveryAddProfiles(
  servers: Pick<DetectedServer, 'kind' | 'baseUrl'>[],
): Promise<AddedProfile[]> {
  return call<AddedProfile[]>('discovery_add_profiles', {
    servers: servers.map(({ kind, baseUrl }) => ({ kind, baseUrl })),
  });
}

/**
 * `discovery_load_route_model`: asks the local server behind a configured route
 * (`provider/model` or alias) to load its model (LM Studio without just-in-time loading).
 */
export function discoveryLoadRouteModel(modelRef: string): Promise<LoadedModel> {
  return call<LoadedModel>('discovery_load_route_model', { modelRef });
}

/**
 * `discovery_warm_up`: "Load". One token from `model`, so LM Studio loads it just in time with
 * an idle TTL (and may unload it after an idle hour). Resolves when the model answered.
 */
export function discoveryWarmUp(
  baseUrl: string,
  model: string,
  api: string | null,
  contextLength?: number,
): Promise<LoadedModel> {
  return call<LoadedModel>('discovery_warm_up', {
    baseUrl,
    model,
    api,
    contextLength: contextLength ?? null,
  });
}

/** `lmstudio_download_offer`: the model to offer to download through LM Studio, if any. */
export function lmstudioDownloadOffer(
  server: Pick<DetectedServer, 'kind' | 'baseUrl'>,
): Promise<DownloadCandidate | null> {
  return call<DownloadCandidate | null>('lmstudio_download_offer', {
    server: { kind: server.kind, baseUrl: server.baseUrl },
  });
}

/**
 * `lmstudio_download`: starts downloading `request` through LM Studio at `baseUrl`; resolves
 * with the id {@link lmstudioDownloadCancel} takes. Progress and the end arrive on `onEvent`.
 */
export function lmstudioDownload(
  baseUrl: string,
  request: DownloadRequest,
  onEvent: (event: DownloadEvent) => void,
): Promise<number> {
  if (!hasBridge()) return call<number>('lmstudio_download');
  const channel = new Channel<DownloadEvent>();
  channel.onmessage = onEvent;
  return call<number>('lmstudio_download', { baseUrl, request, channel });
}

/** `lmstudio_download_cancel`: stops following download `requestId` (it may go on in LM Studio). */
export function lmstudioDownloadCancel(requestId: number): Promise<boolean> {
  return call<boolean>('lmstudio_download_cancel', { requestId });
}

/** `discovery_load_model`: "Keep loaded". LM Studio loads `model` and keeps it (no idle TTL). */
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

/** `catalog_providers`: the known providers (ids, default URLs, APIs, key variables, ports). */
export function catalogProviders(): Promise<KnownProvider[]> {
  return call<KnownProvider[]>('catalog_providers');
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

/**
 * `route_test`: sends one tiny chat to a route that is not saved yet, with `key` (typed, not
 * stored) or else the provider's stored key. Provider failures come back as results
 * (`ok: false` with a `kind`), not rejections. Tests sharing `group` can be abandoned together
 * with {@link routeTestCancel}. Stores nothing.
 */
export function routeTest(
  target: RouteTestTarget,
  key?: string,
  group?: string,
): Promise<RouteTestResult> {
  return call<RouteTestResult>('route_test', {
    target,
    key: key ?? null,
    group: group ?? null,
  });
}

/** `route_test_cancel`: abandons the running tests of `group`; false when none was running. */
export function routeTestCancel(group: string): Promise<boolean> {
  return call<boolean>('route_test_cancel', { group });
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

/**
 * `history_search`: matching messages with highlighted snippets, best first; `leftMachine`
 * keeps only answers that sent the text off this machine (then `query` may be empty).
 */
export function historySearch(
  query: string,
  limit?: number,
  leftMachine = false,
): Promise<SearchHit[]> {
  return call<SearchHit[]>('history_search', { query, limit: limit ?? null, leftMachine });
}

/** `history_select_version`: shows version `messageId` of its answer from now on; returns it. */
export function historySelectVersion(messageId: number): Promise<Message> {
  return call<Message>('history_select_version', { messageId });
}

/** `history_rename`: gives a conversation a person's title. */
export function historyRename(conversationId: number, title: string): Promise<Conversation> {
  return call<Conversation>('history_rename', { conversationId, title });
}

/** `history_delete`: deletes a conversation and its messages. */
export async function historyDelete(conversationId: number): Promise<void> {
  await call<null>('history_delete', { conversationId });
}

/**
 * `history_export_file`: writes the conversation as Markdown or JSON (the CLI's exporter) to a
 * new file in the Downloads folder; resolves with its path.
 */
export function historyExportFile(
  conversationId: number,
  format: ExportFormat,
): Promise<ExportedFile> {
  return call<ExportedFile>('history_export_file', { conversationId, format });
}

/** `history_image`: a saved message's image by its hash, as a `data:` URL for an `<img>`. */
export function historyImage(sha256: string): Promise<string> {
  return call<string>('history_image', { sha256 });
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
  /** A new conversation is private: only routes that stay on this machine. */
  private: boolean;
  /** The conversation's system prompt from this turn on ('' removes it); null keeps it. */
  system: string | null;
  /** The conversation's parameters from this turn on; null keeps them. */
  parameters: ConversationParameters | null;
  /** The message's images as base64 bytes (core checks and saves them); none if absent. */
  images?: string[];
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
 * token. The same question goes to the route's next candidate as a new version of the answer,
 * streamed to `onEvent`; the failed version keeps its partial text.
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

/**
 * `chat_regenerate`: "Retry" for answer `messageId`: its question goes to `model` (an alias or
 * `provider/model`; null: the primary route) again, as a new version of the answer streamed to
 * `onEvent`.
 */
export function chatRegenerate(
  conversationId: number,
  messageId: number,
  model: string | null,
  onEvent: (event: ChatEvent) => void,
): Promise<ChatStarted> {
  if (!hasBridge()) return call<ChatStarted>('chat_regenerate');
  const channel = new Channel<ChatEvent>();
  channel.onmessage = onEvent;
  return call<ChatStarted>('chat_regenerate', { conversationId, messageId, model, channel });
}

/** `chat_set_private`: makes a saved conversation private (kept on this machine) or not. */
export async function chatSetPrivate(conversationId: number, isPrivate: boolean): Promise<void> {
  await call<null>('chat_set_private', { conversationId, private: isPrivate });
}

/** `spend_report`: spend today and this month by provider, against the budgets. */
export function spendReport(): Promise<SpendReport> {
  return call<SpendReport>('spend_report');
}

/** `chat_cancel`: stops a streaming answer (its text so far is kept, marked stopped). */
export function chatCancel(requestId: number): Promise<boolean> {
  return call<boolean>('chat_cancel', { requestId });
}

/** `settings_get`: the desktop settings, a load warning, and where every file lives. */
export function settingsGet(): Promise<SettingsView> {
  return call<SettingsView>('settings_get');
}

/**
 * `settings_set`: validates, saves and applies `settings`; resolves to them as saved (URLs
 * normalized). A refused value rejects with `invalid_input` and the setting in `field`/`index`.
 */
export function settingsSet(settings: AppSettings): Promise<AppSettings> {
  return call<AppSettings>('settings_set', { settings });
}

// ---------------------------------------------------------------------------
// App events.

/** The event the tray's "New chat" item emits (no payload). */
export const TRAY_NEW_CHAT_EVENT = 'tray-new-chat';
/** The event carrying the route health on each change. */
export const ROUTE_HEALTH_EVENT = 'route-health';
/** The event carrying a new scan of the local servers (tray "Re-detect", background watch). */
export const LOCAL_SERVERS_EVENT = 'local-servers';
/** The event carrying each reload of the config files (an edit anywhere, or our own save). */
export const CONFIG_CHANGED_EVENT = 'config-changed';

/**
 * Calls `cb` with each `event`'s payload. Resolves to the function that stops listening;
 * outside the app (no bridge) it listens to nothing.
 */
async function onAppEvent<T>(event: string, cb: (payload: T) => void): Promise<UnlistenFn> {
  if (!hasBridge()) return () => {};
  try {
    const unlisten = await listen<T>(event, (e) => cb(e.payload));
    return () => {
      // Unlistening is async; when the bridge is already gone (the window is closing) it
      // fails, and nothing is listening anyway.
      try {
        void Promise.resolve(unlisten() as unknown).catch(() => {});
      } catch {
        // Same: gone already.
      }
    };
  } catch {
    return () => {};
  }
}

/** Calls `cb` each time "New chat" is picked in the tray. */
export function onTrayNewChat(cb: () => void): Promise<UnlistenFn> {
  return onAppEvent<null>(TRAY_NEW_CHAT_EVENT, () => cb());
}

/** Calls `cb` when the settings changed outside the window (the tray's offline switch). */
export function onSettingsChanged(cb: () => void): Promise<UnlistenFn> {
  return onAppEvent<null>('settings-changed', () => cb());
}

/** Calls `cb` with each reload of the config files: applied, or refused with the last good kept. */
export function onConfigChanged(cb: (update: ConfigChanged) => void): Promise<UnlistenFn> {
  return onAppEvent<ConfigChanged>(CONFIG_CHANGED_EVENT, cb);
}

/** Calls `cb` with the route health each time it changes. */
export function onRouteHealth(cb: (health: RouteHealth) => void): Promise<UnlistenFn> {
  return onAppEvent<RouteHealth>(ROUTE_HEALTH_EVENT, cb);
}

/** Calls `cb` with each new scan of the local servers. */
export function onLocalServers(cb: (report: ScanReport) => void): Promise<UnlistenFn> {
  return onAppEvent<ScanReport>(LOCAL_SERVERS_EVENT, cb);
}
