/**
 * Types shared with the Rust side (camelCase, as serialised by serde): pure declarations,
 * re-exported by `ipc.ts`, which stays the only module that talks to the Tauri bridge.
 */

import type { ConfigView } from './config-types';
import type { Budgets, ChatTrail, Destination, Place } from './policy-types';

export type * from './config-types';
export type * from './policy-types';

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

// Error kinds: the wire names the Rust side sends, pinned by the contract test in
// `src-tauri/src/models/error_kinds.rs`. Their words for people are in `errorLabels.ts`.

/** A provider's error class (core's `ProviderErrorKind`). */
export type ProviderErrorKind =
  | 'auth'
  | 'billing'
  | 'forbidden'
  | 'not_found'
  | 'model_not_loaded'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'context_overflow'
  | 'bad_request'
  | 'protocol'
  | 'truncated'
  | 'cancelled'
  | 'config'
  | 'unsupported';

/** Why the route gave no (complete) answer (core's `RouteErrorKind`). */
export type RouteErrorKind =
  | 'model_not_found'
  | 'no_primary'
  | 'bad_request'
  | 'context_overflow'
  | 'no_route'
  | 'cancelled'
  | 'interrupted'
  | 'private'
  | 'over_budget';

/** Core's `ErrorKind`: config, history, keychain and file failures. */
export type CoreErrorKind =
  | 'io'
  | 'invalid_input'
  | 'no_location'
  | 'not_found'
  | 'database'
  | 'invalid_config'
  | 'conflict'
  | 'not_writable'
  | 'keychain';

/**
 * Every `kind` a command rejects with (the shell's `IpcErrorKind`): core's kinds, a chat turn's
 * reason, a service still starting, a bug, and discovery's local-server failures.
 */
export type IpcErrorKind =
  | CoreErrorKind
  | ChatErrorReason
  | 'not_ready'
  | 'internal'
  | 'unreachable'
  | 'server'
  | 'no_chat_models';

/**
 * A route attempt's `reason`: the provider's error class, or why a model was skipped
 * (`cooldown`, or a policy: `private`, `budget`).
 */
export type RouteAttemptReason = ProviderErrorKind | 'cooldown' | 'private' | 'budget';

/** A provider's health `reason`: its last error class, or `unreachable` after a failed probe. */
export type HealthReason = ProviderErrorKind | 'unreachable';

/** The default route's state, as the tray icon shows it. */
export type RouteOverall = 'on_primary' | 'on_fallback' | 'no_route';

/** One provider in the route health summary. */
export interface ProviderHealth {
  provider: string;
  /** `down`: failed to connect (until `untilMs`), or `reason` `unreachable` (a probe). */
  state: 'ok' | 'cooldown' | 'down';
  /** Until when (Unix ms), for `cooldown` and `down`. */
  untilMs?: number;
  /** The last error class, for `cooldown` and `down`. */
  reason?: HealthReason;
  /** Its models that are cooling down. */
  cooling: string[];
  /** Served on this machine or the local network (probed in the background). */
  local: boolean;
  /** Whether it answered the last probe or request, when one was made. */
  reachable?: boolean;
  /** When `reachable` was found out (Unix ms). */
  checkedMs?: number;
}

/** `route_health` and the `route-health` event. */
export interface RouteHealth {
  overall: RouteOverall;
  /** The model the default route would use now. */
  current?: string;
  providers: ProviderHealth[];
}

// The provider catalog (`catalog_providers`).

/** A wire API Switchboard speaks. */
export type WireApi = 'openai-completions' | 'openai-responses' | 'anthropic-messages';

/** One known provider, from core's one catalog. */
export interface KnownProvider {
  /** The provider id in the config. */
  id: string;
  /** Other ids that mean the same provider. */
  aliases: string[];
  name: string;
  /** One line about it. */
  description: string;
  /** Used when the config omits `baseUrl`. */
  baseUrl: string;
  /** Used when the config omits `api`. */
  api: WireApi;
  /** How the key is sent. */
  auth: 'bearer' | 'x-api-key';
  /** The variable conventionally holding its key. */
  envVar: string | null;
  /** The key a keyless local server is sent; null: a key is needed. */
  placeholder: string | null;
  /** The port a local server listens on out of the box. */
  port: number | null;
  locality: 'local' | 'hosted';
  /** A proxy that may pass requests on (LiteLLM): not private unless marked. */
  forwards: boolean;
}

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
  /** The model to start with, when a server on this machine offers one (core ranks them). */
  suggested: Suggestion | null;
}

/** The one model a scan suggests starting with (loaded, no advice, largest context first). */
export interface Suggestion {
  kind: ServerKind;
  /** The server's name (`LM Studio`). */
  server: string;
  /** With `/v1`. */
  baseUrl: string;
  modelId: string;
  modelName: string;
  contextWindow: number | null;
  loaded: boolean | null;
}

/** What the one-click start saved: the primary route, tested live. */
export interface QuickStarted {
  modelRef: string;
  server: string;
  modelName: string;
  firstTokenMs: number | null;
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
  /** Kept loaded (no idle TTL); false: loaded just in time. */
  pinned: boolean;
  /** The idle TTL of a just-in-time load, seconds. */
  idleTtlSeconds: number | null;
}

/** A provider profile written for a detected server. */
export interface AddedProfile {
  provider: string;
  models: string[];
  warnings: string[];
}

/** What the setup wizard's one save wrote (`setup_save`). */
export interface SetupSaved {
  view: ConfigView;
  added: AddedProfile[];
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

// Route tests (`route_test*` commands).

/** A route that is not saved yet: where and what to ask. */
export interface RouteTestTarget {
  /** The provider id it will be saved under (a stored key is looked up by it). */
  provider: string;
  /** The provider-facing model id. */
  model: string;
  api: string;
  /** With `/v1`. */
  baseUrl: string;
  headers?: Record<string, string> | null;
}

export interface RouteTestUsage {
  input: number;
  output: number;
}

/** How one route test went. `kind` is the provider error class when it failed. */
export interface RouteTestResult {
  /** `provider/model`. */
  ref: string;
  ok: boolean;
  /** `auth`, `connection`, `timeout`, `not_found`, `rate_limit`, `server`, `cancelled`, … */
  kind: ProviderErrorKind | null;
  status: number | null;
  /** What failed (never a key); empty when it answered. */
  message: string;
  /** From sending to the first token (answer or reasoning). */
  firstTokenMs: number | null;
  elapsedMs: number;
  /** The start of the answer, on one line. */
  preview: string;
  /** The model reasoned before answering. */
  reasoned: boolean;
  usage: RouteTestUsage | null;
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
  /** Private: the router never sends it off this machine. */
  private: boolean;
  /** Its system prompt, if it has one. */
  systemPrompt: string | null;
  /** Its generation parameters, sent with each of its turns. */
  parameters: ConversationParameters;
}

/** A conversation's generation parameters; null leaves the model's default. */
export interface ConversationParameters {
  /** 0 to 2. */
  temperature: number | null;
  /** More than 0, at most 1. */
  topP: number | null;
  /** At least 1. */
  maxTokens: number | null;
}

/** `history_export_file`'s formats. */
export type ExportFormat = 'markdown' | 'json';

/** Where an export was written. */
export interface ExportedFile {
  path: string;
}

export type MessageUsage = ChatUsage;

export interface RouteAttempt {
  attempt: number;
  model: string;
  outcome: 'ok' | 'failed' | 'skipped' | 'cancelled';
  reason?: RouteAttemptReason;
  status?: number;
  elapsedMs: number;
  /** Where it was sent (the privacy trail), for an attempt that was sent. */
  destination?: Destination;
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
  timing: ChatTiming | null;
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
  /** Where its server sends the text (the router's place, from the resolved base URL). */
  place: Place;
  /** Its server runs on this machine (it may still forward: see `private`). */
  local: boolean;
  /** It stays on this machine: a private chat may use it. */
  private: boolean;
  contextWindow: number | null;
  reasoning: boolean;
  /** Quantization (`Q4_K_M`), from the last detection. */
  quantization: string | null;
  /** Loaded at the last detection; null: not seen, or the server does not say. */
  loaded: boolean | null;
  /** Measured speed of its recent answers, once it answered. */
  speed: ModelSpeed | null;
}

/** A model's measured speed: medians of its recent answers. */
export interface ModelSpeed {
  medianFirstTokenMs: number;
  medianTokensPerSecond: number | null;
  answers: number;
}

export interface ChatModels {
  /** Aliases first, then `provider/model`. */
  models: ChatModel[];
  primary: string | null;
}

export type StopReason = 'stop' | 'length' | 'cancelled';

/** Why a chat turn failed: a provider's error class, else the route's. */
export type ChatErrorReason = RouteErrorKind | ProviderErrorKind;

/** The request went out: where the answer is saved and the model tried first. */
export interface ChatStartedEvent {
  type: 'started';
  conversationId: number | null;
  messageId: number | null;
  model: string;
}

/** One attempt of the route (the history keeps them as `RouteAttempt`). */
export interface ChatRouteEvent {
  type: 'route';
  /** 1 for the first candidate considered. */
  attempt: number;
  /** `provider/model`. */
  model: string;
  outcome: RouteAttempt['outcome'];
  /** `rate_limit`, `connection`, … or why it was skipped (`cooldown`, …). */
  reason?: RouteAttemptReason;
  status?: number;
  elapsedMs: number;
  /** How long the model is now skipped, after a failure that put it in cooldown. */
  cooldownMs?: number;
  /** Where it was sent (the privacy trail), for an attempt that was sent. */
  destination?: Destination;
}

export interface ChatDeltaEvent {
  type: 'text' | 'reasoning';
  delta: string;
}

export interface ChatUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Of `output`, the reasoning tokens, when known. */
  reasoning?: number;
}

/** How fast an answer came. */
export interface ChatTiming {
  firstTokenMs: number | null;
  durationMs: number;
  tokensPerSecond: number | null;
}

export interface ChatDoneEvent {
  type: 'done';
  /** The model that answered. */
  model: string;
  stop: StopReason;
  usage: ChatUsage | 'unknown';
  /** USD at the configured rates. */
  cost: number | 'unknown';
  timing: ChatTiming;
  /** Where the text went. */
  trail: ChatTrail;
}

/** Something to know that does not stop the turn (a budget at 80 %). */
export interface ChatWarningEvent {
  type: 'warning';
  message: string;
}

export interface ChatErrorEvent {
  type: 'error';
  reason: ChatErrorReason;
  message: string;
  status?: number;
  /** It broke after its first token: the model "retry on next route" asks next. */
  retryNext: string | null;
  /** Where the text went before it failed (nowhere when nothing was sent). */
  trail: ChatTrail;
}

/** One event of a chat turn, the core engine's vocabulary; each ends with `done` or `error`. */
export type ChatEvent =
  | ChatStartedEvent
  | ChatRouteEvent
  | ChatDeltaEvent
  | ChatDoneEvent
  | ChatWarningEvent
  | ChatErrorEvent;

// Settings (`settings_*` commands).

/** The window's colours: follow the desktop, or always light or dark. */
export type Theme = 'system' | 'light' | 'dark';

/** The desktop app's own settings, as `settings_get` returns and `settings_set` takes them. */
export interface AppSettings {
  theme: Theme;
  /** Closing the window keeps the app in the tray (only where a tray host exists). */
  closeToTray: boolean;
  /** Start with the window hidden in the tray (only where a tray host exists). */
  startHidden: boolean;
  /** Start the app at login (the desktop's autostart entry); off by default. */
  startAtLogin: boolean;
  /** Seconds between background scans for local servers; 0 is off. */
  detectIntervalSecs: number;
  /** OpenAI-compatible base URLs scanned besides the well-known local ports. */
  extraServerUrls: string[];
  /** Every chat is private: nothing leaves this machine. */
  offline: boolean;
  /** Local providers marked "stays on this machine" (allowed in private chats). */
  staysLocal: string[];
  /** Spending limits; over one, its routes are skipped. */
  budgets: Budgets;
  /** Order local routes by their measured median time to first token. */
  fastestLocalFirst: boolean;
  /** The window's and the tray's language; `system` follows the desktop's locale. */
  language: 'system' | 'en' | 'ko';
  /** The system prompt a new chat starts with; '' is none. */
  defaultSystemPrompt: string;
}

/** Where Switchboard keeps its files. */
export interface Locations {
  configFile: string;
  settingsFile: string;
  dataDir: string;
  historyFile: string;
  logDir: string;
}

export interface SettingsView {
  settings: AppSettings;
  /** Why the settings file was not used (defaults in effect until the next save), or null. */
  warning: string | null;
  locations: Locations;
  /** The desktop's locale (`LC_ALL`, `LC_MESSAGES` or `LANG`, e.g. `ko_KR.UTF-8`), or null. */
  systemLocale: string | null;
}

/** How `settings_set` rejects: an IPC error naming the setting (and list item) that is wrong. */
export interface SettingsSetError {
  kind: IpcErrorKind;
  message: string;
  /** The setting's key, e.g. `extraServerUrls`; null when the error is not about one value. */
  field: keyof AppSettings | null;
  /** The item of a list setting. */
  index: number | null;
}
