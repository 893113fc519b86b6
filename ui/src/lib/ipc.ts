/**
 * The one typed wrapper around the Tauri IPC bridge.
 *
 * This is the ONLY module that imports `@tauri-apps/api/core`. Each Rust command gets one
 * typed function here, and every rejection is normalised into an {@link IpcError}, so the
 * rest of the UI can branch on `kind` instead of parsing message text.
 */
import { Channel, invoke } from '@tauri-apps/api/core';

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

// Config (`config_*` commands). A provider's key appears only as its kind, never a value.

/** Kinds the config commands reject with, besides `io` and `not_found`. */
export const CONFIG_ERROR_KINDS = {
  /** The file changed on disk since it was loaded: reload, then apply the edit again. */
  conflict: 'conflict',
  /** The config (or the edit) has errors; the message lists `file:line:col: path: message`. */
  invalidConfig: 'invalid_config',
  /** The file uses `$include` where Switchboard would write; edit it by hand. */
  notWritable: 'not_writable',
} as const;

export type Severity = 'error' | 'warning';

/** One problem in the config file, to show next to its field (`path`). */
export interface ConfigDiagnostic {
  severity: Severity;
  file: string;
  /** 1-based; 0 when the problem has no position. */
  line: number;
  column: number;
  /** e.g. `models.providers.lmstudio.models[0].contextWindow`. */
  path: string;
  message: string;
}

/** How a provider's key is configured: never the key itself. */
export type KeyKind = 'none' | 'plaintext' | 'secretRef' | `env:${string}`;

/** USD per million tokens. */
export interface ModelCost {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** A configured model, with OpenClaw's defaults applied. */
export interface ConfigModel {
  /** `provider/model`. */
  ref: string;
  provider: string;
  id: string;
  name: string;
  api: string;
  contextWindow: number | null;
  maxTokens: number;
  reasoning: boolean;
  input: string[];
  cost: ModelCost;
  alias: string | null;
}

export interface ConfigProvider {
  id: string;
  baseUrl: string | null;
  api: string | null;
  auth: string | null;
  authHeader: boolean | null;
  maxTokens: number | null;
  timeoutSeconds: number | null;
  key: KeyKind;
  /** Extra headers are set (their values are never sent to the UI). */
  hasHeaders: boolean;
  models: ConfigModel[];
}

export interface ConfigAlias {
  alias: string;
  ref: string;
  /** Whether `ref` names a configured model. */
  configured: boolean;
}

export interface ConfigView {
  path: string;
  exists: boolean;
  valid: boolean;
  /** Pass back to `configApply`; null when the file does not exist yet. */
  revision: string | null;
  diagnostics: ConfigDiagnostic[];
  mode: 'merge' | 'replace';
  providers: ConfigProvider[];
  aliases: ConfigAlias[];
  /** A `provider/model` ref or an alias, as written. */
  primary: string | null;
  fallbacks: string[];
}

/** What an OpenClaw import or export did. */
export interface ImportSummary {
  imported: string[];
  skipped: string[];
}

/** How an edited provider's key is set: a variable name or a secret ref, never a value. */
export type KeyInput =
  | { kind: 'keep' }
  | { kind: 'none' }
  | { kind: 'env'; var: string }
  | { kind: 'secretRef'; source: 'env' | 'file' | 'exec' | 'store'; provider: string; id: string };

/** A provider as sent to `config_apply`; its models and headers are kept. */
export interface ProviderInput {
  id: string;
  baseUrl?: string | null;
  api?: string | null;
  auth?: string | null;
  authHeader?: boolean | null;
  maxTokens?: number | null;
  timeoutSeconds?: number | null;
  /** Default: keep the current key. */
  key?: KeyInput;
}

export interface CostInput {
  input?: number | null;
  output?: number | null;
  cacheRead?: number | null;
  cacheWrite?: number | null;
}

export interface ModelInput {
  id: string;
  name: string;
  api?: string | null;
  reasoning?: boolean | null;
  input?: string[] | null;
  cost?: CostInput | null;
  contextWindow?: number | null;
  maxTokens?: number | null;
}

/** One profile edit. */
export type ConfigEdit =
  | { op: 'upsertProvider'; provider: ProviderInput }
  | { op: 'removeProvider'; id: string }
  | { op: 'upsertModel'; provider: string; model: ModelInput }
  | { op: 'removeModel'; provider: string; model: string }
  | { op: 'setRoutes'; primary: string; fallbacks: string[] }
  | { op: 'setAlias'; ref: string; alias: string }
  | { op: 'removeAlias'; ref: string };

// Discovery (`discovery_*` commands).

/** A local server kind; `openai-compatible` for user-added base URLs. */
export type ServerKind =
  'lmstudio' | 'ollama' | 'vllm' | 'llamacpp' | 'litellm' | 'jan' | 'openai-compatible';

export type ServerStatus = 'running' | 'not_running' | 'other_service' | 'error';

/** One model a local server offers. */
export interface DetectedModel {
  id: string;
  name: string;
  type: 'llm' | 'vlm' | 'embeddings';
  /** null: the server does not say. */
  loaded: boolean | null;
  /** The context a request gets: loaded context if loaded, else the maximum. */
  contextWindow: number | null;
  loadedContextWindow: number | null;
  maxContextWindow: number | null;
  quantization: string | null;
  bitsPerWeight: number | null;
  params: string | null;
  arch: string | null;
  format: string | null;
  toolUse: boolean | null;
  reasoning: boolean | null;
  /** The seed's advice, for people (small context, quantization, not loaded, …). */
  warnings: string[];
}

/** One probed server. */
export interface DetectedServer {
  kind: ServerKind;
  /** The OpenAI-compatible base URL, with `/v1`. */
  baseUrl: string;
  status: ServerStatus;
  /** Why, for anything but a plain "running". */
  detail?: string;
  version: string | null;
  api: string | null;
  apiReason?: string;
  needsKey: boolean;
  models: DetectedModel[];
  elapsedMs: number;
}

export interface ScanReport {
  servers: DetectedServer[];
}

/** What to scan besides the default ports. */
export interface ScanRequest {
  extraUrls?: string[];
  lmstudioPort?: number | null;
}

/** A finished LM Studio load. */
export interface LoadedModel {
  model: string;
  instanceId: string;
  contextLength: number | null;
  loadTimeSeconds: number | null;
}

/** A provider profile written for a detected server. */
export interface AddedProfile {
  provider: string;
  models: string[];
  warnings: string[];
}

// Keys (`keys_*` commands). Keys go in once and never come back: only where they come from.

export type KeyState = 'keychain' | 'env' | 'config_ref' | 'plaintext' | 'not_needed' | 'missing';

export interface KeyStatus {
  provider: string;
  state: KeyState;
  /** The variable(s), for `env`. */
  var: string | null;
  /** Last four characters of a keychain key. */
  hint: string | null;
  /** For people: "set in keychain · …1234", "from env OPENAI_API_KEY", "missing". */
  detail: string;
}

export interface KeysStatus {
  keychain: Probe;
  providers: KeyStatus[];
}

export type KeyTestOutcome = 'ok' | 'rejected' | 'unreachable' | 'unexpected';

export interface KeyTestResult {
  outcome: KeyTestOutcome;
  /** The HTTP status, for `rejected`. */
  status: number | null;
  message: string;
}

/** Where to test a key that is not saved yet (the wizard's presets). */
export interface KeyTestTarget {
  baseUrl?: string | null;
  api?: string | null;
}

// History (`history_*` commands).

export type MessageRole = 'system' | 'user' | 'assistant';
export type MessageStatus = 'complete' | 'stopped' | 'failed' | 'unfinished';

export interface Conversation {
  id: number;
  title: string;
  titleIsCustom: boolean;
  pinned: boolean;
  /** RFC 3339. */
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

export interface MessageUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface RouteAttempt {
  attempt: number;
  model: string;
  outcome: 'ok' | 'failed' | 'skipped' | 'cancelled';
  reason?: string;
  status?: number;
  elapsedMs: number;
}

export interface Message {
  id: number;
  conversationId: number;
  role: MessageRole;
  content: string;
  /** Kept apart from the answer; empty if none. */
  reasoning: string;
  model: string | null;
  route: RouteAttempt[];
  usage: MessageUsage | null;
  cost: number | null;
  status: MessageStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface LoadedConversation {
  conversation: Conversation;
  /** Oldest first. */
  messages: Message[];
  /** Older messages exist: pass the first message's id as `before`. */
  hasMore: boolean;
}

export interface SnippetPart {
  text: string;
  highlight: boolean;
}

export interface SearchHit {
  conversationId: number;
  conversationTitle: string;
  messageId: number;
  role: MessageRole;
  model: string | null;
  createdAt: string;
  snippet: SnippetPart[];
}

// Chat (`chat_*` commands). Answers stream on a Channel; keys never reach the page.

export interface ChatStarted {
  /** Pass to `chatCancel`. */
  requestId: number;
  conversationId: number;
}

export interface ChatModel {
  /** What to pass to `chatSend`: an alias or `provider/model`. */
  id: string;
  label: string;
  /** The `provider/model` it names. */
  ref: string;
  alias: string | null;
  name: string;
  /** Served on this computer. */
  local: boolean;
  contextWindow: number | null;
  reasoning: boolean;
}

export interface ChatModels {
  /** Aliases first, then `provider/model`. */
  models: ChatModel[];
  primary: string | null;
}

export type StopReason = 'stop' | 'length' | 'cancelled';

export interface ChatStartedData {
  model: string;
  messageId: number | null;
}

export interface ChatDelta {
  delta: string;
}

export interface ChatUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number | null;
  /** USD. */
  cost: number;
}

export interface ChatDoneData {
  stop: StopReason;
}

export interface ChatErrorData {
  /**
   * Provider error class (`auth`, `config`, `connection`, `not_found`, `rate_limit`, …) or the
   * route's (`no_route`, `unknown_model`, `context_overflow`, …).
   */
  kind: string;
  message: string;
  /** It broke after its first token: `chatRetryNext` goes on from the next route. */
  retryNext: boolean;
}

/** One attempt of the route (a `route` event; the history keeps them as `RouteAttempt`). */
export interface ChatRouteData {
  /** 1 for the first candidate considered. */
  attempt: number;
  /** `provider/model`. */
  model: string;
  outcome: RouteAttempt['outcome'];
  /** `rate_limit`, `connection`, … or why it was skipped (`cooldown`, …). */
  reason: string | null;
  status: number | null;
  elapsedMs: number;
}

/** One event of a streaming answer; each stream ends with one `done` or `error`. */
export type ChatEvent =
  | { event: 'started'; data: ChatStartedData }
  | { event: 'route'; data: ChatRouteData }
  | { event: 'text'; data: ChatDelta }
  | { event: 'reasoning'; data: ChatDelta }
  | { event: 'usage'; data: ChatUsage }
  | { event: 'done'; data: ChatDoneData }
  | { event: 'error'; data: ChatErrorData };

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
