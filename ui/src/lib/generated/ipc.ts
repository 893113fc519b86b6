// Generated from the Rust types by `bash .ci/ipc-types` (src-tauri/src/bindings.rs): do not edit.
// Change the Rust type, then run that command again.

/**
 * A provider profile the wizard wrote for a detected server.
 */
export type AddedProfile = {
  /**
   * The provider id (`lmstudio`, `ollama`, …).
   */
  provider: string;
  /**
   * Its chat models.
   */
  models: Array<string>;
  /**
   * Warnings from validating the edit (`file:line:col: path: message`).
   */
  warnings: Array<string>;
};

/**
 * The desktop app's settings, as stored (camelCase JSON) and as the UI edits them. The
 * router's policies (offline, providers that stay on this machine, budgets, speed order) are
 * here too: the CLI and `serve` read the same file, so a policy holds in every face.
 */
export type AppSettings = {
  /**
   * The window's colours.
   */
  theme: Theme;
  /**
   * Closing the window keeps the app running in the tray (only where a tray host exists).
   */
  closeToTray: boolean;
  /**
   * Start with the window hidden in the tray (only where a tray host exists).
   */
  startHidden: boolean;
  /**
   * Start the app when the person logs in (the desktop's autostart entry); off by default.
   */
  startAtLogin: boolean;
  /**
   * How often local servers are re-detected in the background, in seconds; 0 is off.
   */
  detectIntervalSecs: number;
  /**
   * OpenAI-compatible base URLs to scan besides the well-known local ports.
   */
  extraServerUrls: Array<string>;
  /**
   * Offline: every chat is private, nothing leaves this machine.
   */
  offline: boolean;
  /**
   * Providers on this machine marked "stays on this machine" (a local proxy or gateway the
   * person knows does not forward), allowed in private chats.
   */
  staysLocal: Array<string>;
  /**
   * Spending limits, overall and per provider.
   */
  budgets: Budgets;
  /**
   * Order local routes by their measured median time to first token.
   */
  fastestLocalFirst: boolean;
  /**
   * The language of the window and the tray menu; an unknown one is refused like a bad theme.
   */
  language: Language;
  /**
   * The system prompt a new chat starts with (each chat can change its own); empty: none.
   */
  defaultSystemPrompt: string;
};

/**
 * What the Settings screen shows about this installation.
 */
export type AppStatus = {
  /**
   * The app's version.
   */
  version: string;
  /**
   * The active config file (it may not exist yet).
   */
  configPath: string;
  /**
   * The data directory.
   */
  dataDir: string;
  /**
   * The log directory.
   */
  logDir: string;
  /**
   * What the desktop offers.
   */
  environment: EnvironmentProbes;
};

/**
 * An image a message shows: which file, its format and size.
 */
export type Attachment = {
  /**
   * The SHA-256 of the bytes, lowercase hex.
   */
  sha256: string;
  /**
   * The format (its MIME type, as [`MediaType`]'s serializer writes it).
   */
  mediaType: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';
  /**
   * The size in bytes.
   */
  bytes: number;
  /**
   * The file's name in the attachments folder, `<sha256>.<ext>`.
   */
  fileName: string;
};

/**
 * What happened to one candidate model while routing a request.
 */
export type AttemptOutcome = 'ok' | 'failed' | 'skipped' | 'cancelled';

/**
 * A spending limit in USD per day and per month; `None`: no limit.
 */
export type Budget = {
  /**
   * USD per local calendar day.
   */
  dailyUsd: number | null;
  /**
   * USD per local calendar month.
   */
  monthlyUsd: number | null;
};

/**
 * A budget's period.
 */
export type BudgetPeriod = 'day' | 'month';

/**
 * A budget at 80 % or more of its limit.
 */
export type BudgetWarning = {
  /**
   * The provider whose budget it is; none for the overall budget.
   */
  provider: string | null;
  /**
   * The budget's period.
   */
  period: BudgetPeriod;
  /**
   * Spent in the period so far, USD.
   */
  spentUsd: number;
  /**
   * The period's limit, USD.
   */
  limitUsd: number;
  /**
   * The share of the limit used, in whole percent.
   */
  percent: number;
};

/**
 * The budgets: one overall and one per provider id.
 */
export type Budgets = {
  /**
   * All providers together.
   */
  overall: Budget;
  /**
   * By provider id.
   */
  providers: { [key in string]: Budget };
};

/**
 * Why a turn failed: the provider's error class when a provider failed, else the route's.
 * Serialized as its wire name.
 */
export type ChatErrorReason = RouteErrorKind | ProviderErrorKind;

/**
 * One event of a turn. Every turn ends with exactly one `done` or `error`.
 */
export type ChatEvent =
  | {
      type: 'started';
      /**
       * The conversation, when the turn is saved.
       */
      conversationId: number | null;
      /**
       * The answer in the history, when it is saved.
       */
      messageId: number | null;
      /**
       * `provider/model` tried first.
       */
      model: string;
    }
  | ({ type: 'route' } & RouteEvent)
  | {
      type: 'reasoning';
      /**
       * The new text.
       */
      delta: string;
    }
  | {
      type: 'text';
      /**
       * The new text.
       */
      delta: string;
    }
  | {
      type: 'tool_call';
      /**
       * Which call of the answer (0, 1, …).
       */
      index: number;
      /**
       * The call's id (first piece).
       */
      id?: string;
      /**
       * The function's name (first piece).
       */
      name?: string;
      /**
       * More of the arguments.
       */
      arguments: string;
    }
  | {
      type: 'done';
      /**
       * The model that answered.
       */
      model: string;
      /**
       * Why it ended.
       */
      stop: StopReason;
      /**
       * Token counts; `"unknown"` when the server reported none.
       */
      usage: ChatUsage | 'unknown';
      /**
       * USD at the configured rates; `"unknown"` without usage.
       */
      cost: number | 'unknown';
      /**
       * Time to first token, total time, tokens per second.
       */
      timing: ChatTiming;
      /**
       * Where the text went.
       */
      trail: ChatTrail;
    }
  | {
      type: 'warning';
      /**
       * For people, in English.
       */
      message: string;
      /**
       * The budget it is about, for a face that words it itself.
       */
      budget: BudgetWarning;
    }
  | {
      type: 'error';
      /**
       * The error class: a provider's (`auth`, `rate_limit`, …) or the route's
       * (`no_route`, `model_not_found`, `context_overflow`, …).
       */
      reason: ChatErrorReason;
      /**
       * What went wrong, redacted.
       */
      message: string;
      /**
       * The HTTP status of the failure, when there was one.
       */
      status?: number;
      /**
       * It broke after its first token: the model "retry on next route" would ask next.
       */
      retryNext: string | null;
      /**
       * Where the text went before it failed (nowhere, when nothing was sent).
       */
      trail: ChatTrail;
    };

/**
 * One model the chat window can pick.
 */
export type ChatModel = {
  /**
   * What to ask for: the alias, or `provider/model`.
   */
  id: string;
  /**
   * For people: the alias or `provider/model`.
   */
  label: string;
  /**
   * The `provider/model` it names.
   */
  ref: string;
  /**
   * The alias, for alias rows.
   */
  alias: string | null;
  /**
   * The model's display name.
   */
  name: string;
  /**
   * Where its server sends the text.
   */
  place: Place;
  /**
   * Its server runs on this machine (it may still forward: see `private`).
   */
  local: boolean;
  /**
   * A private conversation may use it: it stays on this machine.
   */
  private: boolean;
  /**
   * Tokens of context: the configured window, else the detected one.
   */
  contextWindow: number | null;
  /**
   * Whether it reasons.
   */
  reasoning: boolean;
  /**
   * Whether it reads images (`input` includes `"image"`): the composer takes images for it.
   */
  images: boolean;
  /**
   * Its quantization (`Q4_K_M`, `8bit`), when the last detection saw it.
   */
  quantization: string | null;
  /**
   * Whether its server had it loaded at the last detection; `None`: not seen, or a server
   * that does not say.
   */
  loaded: boolean | null;
  /**
   * How fast its recent answers came, once it answered.
   */
  speed: ModelSpeed | null;
};

/**
 * The models to pick from (aliases first) and the configured primary.
 */
export type ChatModels = {
  /**
   * Aliases first, then each `provider/model`, with the picker's facts.
   */
  models: Array<ChatModel>;
  /**
   * The primary route as written (an alias or a ref), if set.
   */
  primary: string | null;
};

/**
 * What `chat_send` returns once the user message is saved.
 */
export type ChatStarted = {
  /**
   * Pass to `chat_cancel` to stop the answer.
   */
  requestId: number;
  /**
   * The conversation (new when none was given).
   */
  conversationId: number;
};

/**
 * How fast an answer came: from the request going out to its first token and to its end.
 */
export type ChatTiming = {
  /**
   * Milliseconds to the first token of text or reasoning; `None` when none came.
   */
  firstTokenMs: number | null;
  /**
   * Milliseconds to the end of the answer.
   */
  durationMs: number;
  /**
   * Output tokens per second after the first token; `None` without usage or time.
   */
  tokensPerSecond: number | null;
};

/**
 * The privacy trail of a turn: whether the text left this machine and every place it was
 * sent, in order.
 */
export type ChatTrail = {
  /**
   * Whether any attempt sent the text off this machine.
   */
  leftMachine: boolean;
  /**
   * Each distinct place an attempt was sent to.
   */
  destinations: Array<Destination>;
};

/**
 * Token counts of one answer. `input` excludes cached input: cache reads and writes are
 * counted apart, so cost is a plain sum.
 */
export type ChatUsage = {
  /**
   * Uncached input tokens.
   */
  input: number;
  /**
   * Output tokens (reasoning included).
   */
  output: number;
  /**
   * Input tokens read from the provider's cache.
   */
  cacheRead: number;
  /**
   * Input tokens written to the provider's cache.
   */
  cacheWrite: number;
  /**
   * Of `output`, how many were reasoning, when the provider says.
   */
  reasoning?: number;
};

/**
 * An alias of a `provider/model` ref.
 */
export type ConfigAlias = {
  /**
   * The alias.
   */
  alias: string;
  /**
   * The `provider/model` ref it stands for.
   */
  ref: string;
  /**
   * Whether that ref names a configured model.
   */
  configured: boolean;
};

/**
 * One difference between the config in force and the new one.
 */
export type ConfigChange =
  | {
      kind: 'primary';
      /**
       * The new primary route.
       */
      to: string | null;
    }
  | {
      kind: 'fallbacks';
      /**
       * The new fallbacks.
       */
      to: Array<string>;
    }
  | {
      kind: 'providerAdded';
      /**
       * Its id.
       */
      id: string;
    }
  | {
      kind: 'providerRemoved';
      /**
       * Its id.
       */
      id: string;
    }
  | {
      kind: 'providerChanged';
      /**
       * Its id.
       */
      id: string;
    }
  | { kind: 'models' }
  | { kind: 'other' };

/**
 * One diagnostic as data, so the UI can show it next to its field.
 */
export type ConfigDiagnostic = {
  /**
   * `error` or `warning`.
   */
  severity: Severity;
  /**
   * The file it is in.
   */
  file: string;
  /**
   * 1-based line (0: no position).
   */
  line: number;
  /**
   * 1-based column (0: no position).
   */
  column: number;
  /**
   * The config path, e.g. `models.providers.lmstudio.models[0].contextWindow`.
   */
  path: string;
  /**
   * What is wrong (never a secret).
   */
  message: string;
  /**
   * The text of line `line` of `file` (redacted, shortened around `column`), when the file
   * could be read; filled by [`load`].
   */
  sourceLine: string | null;
  /**
   * The 1-based column within `source_line` (it differs from `column` when the line was
   * shortened).
   */
  sourceColumn: number;
};

/**
 * One profile edit as camelCase JSON: `{"op": "setRoutes", "primary": …, "fallbacks": […]}`.
 */
export type ConfigEdit =
  | {
      op: 'upsertProvider';
      /**
       * The provider.
       */
      provider: ProviderInput;
    }
  | {
      op: 'removeProvider';
      /**
       * The provider id.
       */
      id: string;
    }
  | {
      op: 'upsertModel';
      /**
       * The provider id.
       */
      provider: string;
      /**
       * The model.
       */
      model: ModelInput;
    }
  | {
      op: 'removeModel';
      /**
       * The provider id.
       */
      provider: string;
      /**
       * The model id.
       */
      model: string;
    }
  | {
      op: 'setRoutes';
      /**
       * Primary ref or alias.
       */
      primary: string;
      /**
       * Fallback refs or aliases.
       */
      fallbacks: Array<string>;
    }
  | {
      op: 'setAlias';
      /**
       * The ref.
       */
      ref: string;
      /**
       * The alias.
       */
      alias: string;
    }
  | {
      op: 'removeAlias';
      /**
       * The ref.
       */
      ref: string;
    };

/**
 * One header as the UI renders it.
 */
export type ConfigHeader = {
  /**
   * The header's name.
   */
  name: string;
  /**
   * Its value when it cannot be a secret; `None` when hidden (a secret ref, a literal under
   * an auth-like name, or anything key-shaped).
   */
  value: string | null;
};

/**
 * An [`IpcError`] that also carries a refused config edit's problems as data, so the UI can show
 * each next to its field: `{ "kind", "message", "diagnostics": [{ "path", "message", … }] }`.
 * Config commands that write return it; `diagnostics` is empty for other failures.
 */
export type ConfigIpcErrorReply = {
  /**
   * Every problem of an `invalid_config` refusal (paths and messages, never a value).
   */
  diagnostics: Array<ConfigDiagnostic>;
  /**
   * What kind of failure, as a `snake_case` wire name.
   */
  kind: IpcErrorKind;
  /**
   * What went wrong, already redacted.
   */
  message: string;
};

/**
 * One configured model, with OpenClaw's defaults applied.
 */
export type ConfigModel = {
  /**
   * `provider/model`.
   */
  ref: string;
  /**
   * The provider id.
   */
  provider: string;
  /**
   * The model id.
   */
  id: string;
  /**
   * Display name.
   */
  name: string;
  /**
   * The API adapter in effect (the model's, else the provider's, else `openai-completions`).
   */
  api: string;
  /**
   * Context window in tokens, if set.
   */
  contextWindow: number | null;
  /**
   * Maximum output tokens in effect.
   */
  maxTokens: number;
  /**
   * Whether the model reasons.
   */
  reasoning: boolean;
  /**
   * Input kinds.
   */
  input: Array<string>;
  /**
   * Prices.
   */
  cost: ModelCost;
  /**
   * The model's alias, if it has one.
   */
  alias: string | null;
};

/**
 * One provider: its settings, the kind of its key and its models.
 */
export type ConfigProvider = {
  /**
   * The provider id.
   */
  id: string;
  /**
   * Base URL (user info such as `user:pass@` is masked).
   */
  baseUrl: string | null;
  /**
   * The provider's default API adapter, as written.
   */
  api: string | null;
  /**
   * `api-key`, `aws-sdk`, `oauth` or `token`.
   */
  auth: string | null;
  /**
   * Whether the default Authorization header is sent.
   */
  authHeader: boolean | null;
  /**
   * Provider-level default max output tokens.
   */
  maxTokens: number | null;
  /**
   * Request timeout in seconds.
   */
  timeoutSeconds: number | null;
  /**
   * The kind of key; never the key.
   */
  key: KeyKind;
  /**
   * Whether extra headers are configured.
   */
  hasHeaders: boolean;
  /**
   * The headers, values shown only where they cannot be secret.
   */
  headers: Array<ConfigHeader>;
  /**
   * The models.
   */
  models: Array<ConfigModel>;
};

/**
 * What a reload of the config did.
 */
export type ConfigUpdate =
  | { kind: 'unchanged' }
  | {
      kind: 'applied';
      /**
       * What changed (empty when a broken file was fixed back to the config in force).
       */
      changes: Array<ConfigChange>;
      /**
       * Whether some file was last written by another process (an editor, OpenClaw, the
       * CLI), not by this one.
       */
      outside: boolean;
    }
  | {
      kind: 'kept';
      /**
       * Each problem, `file:line:col: path: message` (redacted).
       */
      errors: Array<string>;
      /**
       * Whether a good config is in force (false when the file was broken from the start).
       */
      routesKept: boolean;
    };

/**
 * The config as the UI renders it.
 */
export type ConfigView = {
  /**
   * The config file.
   */
  path: string;
  /**
   * Whether it exists (a missing file is a first run).
   */
  exists: boolean;
  /**
   * Whether it has no errors (warnings allowed).
   */
  valid: boolean;
  /**
   * The file's revision when read; pass it back to [`apply`]. `None` when absent.
   */
  revision: string | null;
  /**
   * Every problem found.
   */
  diagnostics: Array<ConfigDiagnostic>;
  /**
   * `models.mode` in effect.
   */
  mode: ModelsMode;
  /**
   * The providers, in file order.
   */
  providers: Array<ConfigProvider>;
  /**
   * The aliases, in file order.
   */
  aliases: Array<ConfigAlias>;
  /**
   * The primary route, as written (a ref or an alias).
   */
  primary: string | null;
  /**
   * The fallbacks, in order, as written.
   */
  fallbacks: Array<string>;
  /**
   * The `api` ids OpenClaw accepts, from its schema.
   */
  apis: Array<string>;
};

/**
 * A conversation as the list and the export show it.
 */
export type Conversation = {
  /**
   * Its id.
   */
  id: number;
  /**
   * Its title: automatic from the first user message until renamed.
   */
  title: string;
  /**
   * Whether the title was set by a person (then it is never replaced automatically).
   */
  titleIsCustom: boolean;
  /**
   * Pinned conversations list first.
   */
  pinned: boolean;
  /**
   * When it was created.
   */
  createdAt: Timestamp;
  /**
   * When it or one of its messages last changed.
   */
  updatedAt: Timestamp;
  /**
   * How many messages it holds.
   */
  messageCount: number;
  /**
   * Private: the router never sends it off this machine.
   */
  private: boolean;
  /**
   * Its system prompt (its system message), if it has one.
   */
  systemPrompt: string | null;
  /**
   * Its generation parameters, sent with each of its turns.
   */
  parameters: ConversationParameters;
};

/**
 * A conversation's generation parameters; `None` leaves the model's default.
 */
export type ConversationParameters = {
  /**
   * Sampling temperature, 0 to [`super::MAX_TEMPERATURE`].
   */
  temperature: number | null;
  /**
   * Nucleus sampling, more than 0 and at most 1.
   */
  topP: number | null;
  /**
   * The most tokens an answer may have, at least 1.
   */
  maxTokens: number | null;
};

/**
 * A short, stable classification of an [`Error`], serialized in `snake_case` for the UI.
 */
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
 * Prices as the UI sends them.
 */
export type CostInput = {
  /**
   * Input tokens.
   */
  input?: number | null;
  /**
   * Output tokens.
   */
  output?: number | null;
  /**
   * Cache reads.
   */
  cacheRead?: number | null;
  /**
   * Cache writes.
   */
  cacheWrite?: number | null;
};

/**
 * The privacy trail of one attempt that was sent.
 */
export type Destination = {
  /**
   * `host[:port]` the request went to (no path, no query, no credentials).
   */
  host: string;
  /**
   * Where that is.
   */
  place: Place;
  /**
   * Whether the text (may have) left this machine: anything but [`Place::ThisMachine`].
   */
  leftMachine: boolean;
  /**
   * The region the URL names (`us-east-1`, `eu`), when it names one.
   */
  region?: string;
  /**
   * Whether an API key went with it (a local server's placeholder is not a key).
   */
  keySent: boolean;
};

/**
 * One model a server offers.
 */
export type DetectedModel = {
  /**
   * The id to send as `model`.
   */
  id: string;
  /**
   * Display name (the id when the server gives none).
   */
  name: string;
  /**
   * What it is for.
   */
  type: ModelType;
  /**
   * Whether it is loaded (`None`: the server does not say).
   */
  loaded: boolean | null;
  /**
   * The context a request gets: the loaded context length if loaded, else the maximum.
   */
  contextWindow: number | null;
  /**
   * The context length it is loaded with.
   */
  loadedContextWindow: number | null;
  /**
   * The largest context the model supports.
   */
  maxContextWindow: number | null;
  /**
   * Quantization name (`Q4_K_M`, `4bit`, `F16`).
   */
  quantization: string | null;
  /**
   * Bits per weight, given or derived from the quantization name.
   */
  bitsPerWeight: number | null;
  /**
   * Parameter count as the server writes it (`7B`, `30B-A3B`).
   */
  params: string | null;
  /**
   * Architecture (`qwen3`, `llama`).
   */
  arch: string | null;
  /**
   * Weights format (`gguf`, `mlx`).
   */
  format: string | null;
  /**
   * Trained for tool use (`None`: unknown).
   */
  toolUse: boolean | null;
  /**
   * A reasoning model (`None`: unknown).
   */
  reasoning: boolean | null;
  /**
   * The seed's advice for this model.
   */
  warnings: Array<ModelWarning>;
};

/**
 * One probed server.
 */
export type DetectedServer = {
  /**
   * Which server was looked for.
   */
  kind: ServerKind;
  /**
   * The OpenAI-compatible base URL, with `/v1`.
   */
  baseUrl: string;
  /**
   * Whether it answered as that server.
   */
  status: ServerStatus;
  /**
   * Why, for anything but a plain "running" (the other service's reply, the error, a
   * missing API key).
   */
  detail?: string;
  /**
   * The server's version, when it says.
   */
  version: string | null;
  /**
   * The API adapter to use (`openai-responses` or `openai-completions`), when running.
   */
  api: string | null;
  /**
   * How `api` was decided.
   */
  apiReason?: string;
  /**
   * Whether listing models needs an API key the scan does not have.
   */
  needsKey: boolean;
  /**
   * Its models (chat and embedding).
   */
  models: Array<DetectedModel>;
  /**
   * How long the probe took, in milliseconds.
   */
  elapsedMs: number;
};

/**
 * What the wizard offers to download.
 */
export type DownloadCandidate = {
  /**
   * Display name.
   */
  name: string;
  /**
   * What to send to LM Studio.
   */
  request: DownloadRequest;
  /**
   * Download size, bytes.
   */
  sizeBytes: number;
  /**
   * `137.2 GB`.
   */
  sizeLabel: string;
  /**
   * Parameters (`229B`).
   */
  params: string;
  /**
   * MiniMax M2.1, the seed's recommendation.
   */
  recommended: boolean;
  /**
   * This machine's memory, when known.
   */
  memoryBytes: number | null;
  /**
   * The memory the smallest MiniMax M2.1 build without a warning needs (for "needs N GB").
   */
  recommendedNeedsBytes: number;
  /**
   * The seed's warnings for this build (aggressive quantization, small checkpoint).
   */
  warnings: Array<ModelWarning>;
};

/**
 * What a download sends on its channel.
 */
export type DownloadEvent =
  | ({ type: 'progress' } & DownloadProgress)
  | ({ type: 'done' } & DownloadOutcome)
  | ({ type: 'error' } & IpcErrorReply);

/**
 * How a followed download ended (a failed job is an error).
 */
export type DownloadOutcome =
  | ({ outcome: 'completed' } & DownloadProgress)
  | { outcome: 'alreadyDownloaded' }
  | {
      outcome: 'cancelled';
      /**
       * The job left running in LM Studio, if one was started.
       */
      jobId: string | null;
      /**
       * [`CANCEL_NOTE`].
       */
      note: string;
    };

/**
 * One look at a download job, as the UI shows it.
 */
export type DownloadProgress = {
  /**
   * The job (absent for `already_downloaded`).
   */
  jobId: string | null;
  /**
   * Where it is.
   */
  status: DownloadStatus;
  /**
   * Bytes on disk so far.
   */
  downloadedBytes: number | null;
  /**
   * The whole download.
   */
  totalBytes: number | null;
  /**
   * Current speed.
   */
  bytesPerSecond: number | null;
  /**
   * Seconds left at the current speed (while downloading).
   */
  secondsLeft: number | null;
  /**
   * 0–100, when both sizes are known.
   */
  percent: number | null;
};

/**
 * What to download: a catalog id (`openai/gpt-oss-20b`) or a Hugging Face URL, with a
 * quantization for the latter.
 */
export type DownloadRequest = {
  /**
   * Catalog id or Hugging Face URL.
   */
  model: string;
  /**
   * `Q4_K_M` and the like (Hugging Face URLs only).
   */
  quantization: string | null;
};

/**
 * A download job's status, as LM Studio names it.
 */
export type DownloadStatus =
  'downloading' | 'paused' | 'completed' | 'failed' | 'already_downloaded';

/**
 * The parts of the desktop the app can live without, probed once at start.
 */
export type EnvironmentProbes = {
  /**
   * A D-Bus session bus (needed on Linux for the keychain, the tray and single-instance).
   */
  dbusSession: Probe;
  /**
   * A system tray host that shows our tray icon.
   */
  trayHost: Probe;
  /**
   * An OS keychain (Secret Service on Linux) to keep API keys in.
   */
  keyring: Probe;
};

/**
 * An export format.
 */
export type ExportFormat = 'markdown' | 'json';

/**
 * Where "Export" wrote a conversation.
 */
export type ExportedFile = {
  /**
   * The new file's full path.
   */
  path: string;
};

/**
 * One header as the UI sends it.
 */
export type HeaderInput = {
  /**
   * The header's name.
   */
  name: string;
  /**
   * Its value (default: keep).
   */
  value: HeaderValueInput;
};

/**
 * The value of an edited header.
 */
export type HeaderValueInput =
  | { kind: 'keep' }
  | {
      kind: 'text';
      /**
       * The value.
       */
      value: string;
    };

/**
 * The values a provider's health `reason` takes on the wire, for the UI's TypeScript types
 * (the summary keeps it as text, so this enum is never built): its last error class, or
 * [`UNREACHABLE`] after a failed probe.
 */
export type HealthReason = ProviderErrorKind | ProbedUnreachable;

/**
 * Whether the history works, and whether a damaged database was moved aside at start.
 */
export type HistoryStatus = {
  /**
   * Why the history is unavailable, if it is.
   */
  error: IpcErrorReply | null;
  /**
   * A damaged database moved aside at start, to tell the person about.
   */
  recovered: Recovered | null;
};

/**
 * What an import or export did.
 */
export type ImportSummary = {
  /**
   * One line per thing taken over.
   */
  imported: Array<string>;
  /**
   * One line per thing left out, with the reason.
   */
  skipped: Array<string>;
};

/**
 * The route event reasons of [`super::capability`], as a TypeScript type.
 */
export type Incapable = 'no_image_input' | 'no_tool_use';

/**
 * Every `kind` an [`IpcError`] can carry, serialized as its `snake_case` wire name: the shell's
 * own kinds by name, core's kinds and the chat reasons as theirs. The UI's `IpcErrorKind` union is
 * generated from this enum (see `crate::bindings`), so a kind added here is one the UI's label
 * map must word before it compiles.
 */
export type IpcErrorKind =
  | 'not_ready'
  | 'internal'
  | 'unreachable'
  | 'server'
  | 'no_chat_models'
  | CoreErrorKind
  | ChatErrorReason;

/**
 * An error as the UI receives it: a stable `kind` to branch on and a message for people.
 */
export type IpcErrorReply = {
  /**
   * What kind of failure, as a `snake_case` wire name.
   */
  kind: IpcErrorKind;
  /**
   * What went wrong, already redacted.
   */
  message: string;
};

/**
 * How a key travels in a request.
 */
export type KeyAuth = 'bearer' | 'x-api-key';

/**
 * How an edited provider's key is set. Values never come this way: a key is an env variable
 * name or a secret ref, or stays as it is.
 */
export type KeyInput =
  | { kind: 'keep' }
  | { kind: 'none' }
  | {
      kind: 'env';
      /**
       * The variable's name (uppercase).
       */
      var: string;
    }
  | {
      kind: 'secretRef';
      /**
       * `env`, `file`, `exec` or `store`.
       */
      source: string;
      /**
       * The secret provider alias.
       */
      provider: string;
      /**
       * The secret's id.
       */
      id: string;
    };

/**
 * The kind of a provider's key: `none`, `env:VAR` (names only), `secretRef` or `plaintext`.
 * Never the key itself.
 */
export type KeyKind = 'none' | 'plaintext' | 'secretRef' | `env:${string}`;

/**
 * Where a provider's key comes from.
 */
export type KeyState =
  'keychain' | 'env' | 'env_unset' | 'config_ref' | 'plaintext' | 'not_needed' | 'missing';

/**
 * Where one provider's key comes from; never the key.
 */
export type KeyStatus = {
  /**
   * The provider id.
   */
  provider: string;
  /**
   * Where it comes from; the window words each state itself.
   */
  state: KeyState;
  /**
   * The variable(s) for `env`.
   */
  var: string | null;
  /**
   * The last four characters of a keychain key (none for short keys).
   */
  hint: string | null;
  /**
   * In English: "set in keychain · …1234", "from env OPENAI_API_KEY", "missing".
   */
  detail: string;
};

/**
 * How a key test went.
 */
export type KeyTestOutcome = 'ok' | 'rejected' | 'unreachable' | 'unexpected';

/**
 * What testing a key found.
 */
export type KeyTestResult = {
  /**
   * How it went.
   */
  outcome: KeyTestOutcome;
  /**
   * The HTTP status, for `rejected`.
   */
  status: number | null;
  /**
   * For people, without the key.
   */
  message: string;
};

/**
 * Every provider's key status, and whether the keychain answers (with the fix when not).
 */
export type KeysStatus = {
  /**
   * The OS keychain.
   */
  keychain: Probe;
  /**
   * Configured providers, then well-known ones that have a key.
   */
  providers: Array<KeyStatus>;
};

/**
 * One known provider.
 */
export type KnownProvider = {
  /**
   * The provider id in the config (`models.providers.<id>`).
   */
  id: string;
  /**
   * Other ids that mean the same provider (`x-ai` for `xai`).
   */
  aliases: Array<string>;
  /**
   * The name people know it by.
   */
  name: string;
  /**
   * One line about it.
   */
  description: string;
  /**
   * The base URL used when the config omits `baseUrl` (no trailing slash).
   */
  baseUrl: string;
  /**
   * The wire API used when the config omits `api`.
   */
  api: WireApi;
  /**
   * How the key is sent (follows from `api`).
   */
  auth: KeyAuth;
  /**
   * The environment variable conventionally holding its key.
   */
  envVar: string | null;
  /**
   * The key a local server that needs none is sent (`None`: a key is needed).
   */
  placeholder: string | null;
  /**
   * The port it listens on out of the box (local servers).
   */
  port: number | null;
  /**
   * On this machine or hosted.
   */
  locality: Locality;
  /**
   * A proxy that may pass requests on to other servers (LiteLLM): even on this machine it
   * is not private unless the person says it stays here.
   */
  forwards: boolean;
};

/**
 * The language of the window and the tray menu.
 */
export type Language = 'system' | 'en' | 'ko';

/**
 * A conversation with one page of its messages.
 */
export type LoadedConversation = {
  conversation: Conversation;
  /**
   * Oldest first.
   */
  messages: Array<Message>;
  /**
   * Whether older messages exist; pass the first message's id as `before` to get them.
   */
  hasMore: boolean;
};

/**
 * A finished load.
 */
export type LoadedModel = {
  /**
   * The model key asked for.
   */
  model: string;
  /**
   * The instance id to send as `model`.
   */
  instanceId: string;
  /**
   * The context length it was loaded with, when LM Studio echoes it.
   */
  contextLength: number | null;
  /**
   * Seconds LM Studio took (for a just-in-time load: until the first byte of the reply).
   */
  loadTimeSeconds: number | null;
  /**
   * Kept loaded (`POST /api/v1/models/load`): no idle TTL. `false`: loaded just in time,
   * unloaded after [`LoadedModel::idle_ttl_seconds`] idle.
   */
  pinned: boolean;
  /**
   * The idle TTL sent with the request, for a just-in-time load.
   */
  idleTtlSeconds: number | null;
};

/**
 * Where a provider's server runs out of the box.
 */
export type Locality = 'local' | 'hosted';

/**
 * Where Switchboard keeps its files, for the Settings screen's Locations.
 */
export type Locations = {
  /**
   * The active config file (it may not exist yet).
   */
  configFile: string;
  /**
   * The desktop settings file, beside the config.
   */
  settingsFile: string;
  /**
   * The data directory.
   */
  dataDir: string;
  /**
   * The chat history database in it.
   */
  historyFile: string;
  /**
   * The log directory.
   */
  logDir: string;
};

/**
 * A stored message.
 */
export type Message = {
  /**
   * Its id.
   */
  id: number;
  /**
   * The conversation it belongs to.
   */
  conversationId: number;
  /**
   * Who wrote it.
   */
  role: MessageRole;
  /**
   * The text (for answers: the visible answer).
   */
  content: string;
  /**
   * The model's reasoning, separate from the answer; empty if none.
   */
  reasoning: string;
  /**
   * The model that answered (`provider/model`), for assistant messages.
   */
  model: string | null;
  /**
   * Every route attempt made for this answer, in order.
   */
  route: Array<RouteAttempt>;
  /**
   * Token counts, when the provider reported them.
   */
  usage: ChatUsage | null;
  /**
   * Cost in USD, when known.
   */
  cost: number | null;
  /**
   * How fast it came, for answers saved since timing was recorded.
   */
  timing: ChatTiming | null;
  /**
   * How it ended.
   */
  status: MessageStatus;
  /**
   * Why it failed, for failed answers.
   */
  error: string | null;
  /**
   * When it was created.
   */
  createdAt: Timestamp;
  /**
   * When it was last saved (while streaming: the last flush).
   */
  updatedAt: Timestamp;
  /**
   * For an answer: the user message it answers, which all its versions share.
   */
  answerTo: number | null;
  /**
   * Whether it is the version shown (and sent as context); true for every other message.
   */
  selected: boolean;
  /**
   * For an answer: the ids of all its versions, oldest first (this one among them); empty
   * for other messages.
   */
  versionIds: Array<number>;
  /**
   * The images a user message carries, in order (files in the attachments folder).
   */
  attachments?: Array<Attachment>;
};

/**
 * Who wrote a message.
 */
export type MessageRole = 'system' | 'user' | 'assistant';

/**
 * How a message ended.
 */
export type MessageStatus = 'complete' | 'stopped' | 'failed' | 'unfinished';

/**
 * Prices in USD per million tokens, defaults applied.
 */
export type ModelCost = {
  /**
   * Input tokens.
   */
  input: number;
  /**
   * Output tokens.
   */
  output: number;
  /**
   * Cache reads.
   */
  cacheRead: number;
  /**
   * Cache writes.
   */
  cacheWrite: number;
};

/**
 * A model as the UI sends it. `compat` and unmodelled keys of an existing model are kept.
 */
export type ModelInput = {
  /**
   * The model id.
   */
  id: string;
  /**
   * The id the model had, when the user renamed it (its `compat` and other keys move along).
   */
  previousId?: string | null;
  /**
   * Display name.
   */
  name: string;
  /**
   * API adapter override.
   */
  api?: string | null;
  /**
   * Whether it reasons.
   */
  reasoning?: boolean | null;
  /**
   * Input kinds.
   */
  input?: Array<string> | null;
  /**
   * Prices.
   */
  cost?: CostInput | null;
  /**
   * Context window.
   */
  contextWindow?: number | null;
  /**
   * Max output tokens.
   */
  maxTokens?: number | null;
};

/**
 * What is known about one model's speed.
 */
export type ModelSpeed = {
  /**
   * The median time to first token of its recent answers, ms.
   */
  medianFirstTokenMs: number;
  /**
   * The median tokens per second, when answers reported usage.
   */
  medianTokensPerSecond: number | null;
  /**
   * How many answers this is from.
   */
  answers: number;
};

/**
 * What a model is for.
 */
export type ModelType = 'llm' | 'vlm' | 'embeddings';

/**
 * How a [`Warning`] goes out: `{"code": "small_context", "message": "…", "tokens": 8192}`, the
 * code and its values for a face that words the advice itself (the window, in its language),
 * and core's English words.
 */
export type ModelWarning =
  | {
      code: 'small_context';
      /**
       * Core's words.
       */
      message: string;
      /**
       * The context window in tokens.
       */
      tokens: number;
    }
  | {
      code: 'aggressive_quantization';
      /**
       * Core's words.
       */
      message: string;
      /**
       * Bits per weight.
       */
      bits: number;
    }
  | {
      code: 'small_checkpoint';
      /**
       * Core's words.
       */
      message: string;
      /**
       * What gave it away.
       */
      size: string;
    }
  | {
      code: 'not_loaded';
      /**
       * Core's words.
       */
      message: string;
    }
  | {
      code: 'no_tool_use';
      /**
       * Core's words.
       */
      message: string;
    };

/**
 * `models.mode`.
 */
export type ModelsMode = 'merge' | 'replace';

/**
 * Where a base URL sends the text.
 */
export type Place = 'this_machine' | 'may_forward' | 'leaves';

/**
 * Whether one part of the desktop environment is there, and what to do if it is not.
 */
export type Probe = {
  /**
   * The part is present and usable.
   */
  available: boolean;
  /**
   * What was found, or what is missing and how to fix it.
   */
  detail: string;
};

/**
 * The one value [`UNREACHABLE`], as a TypeScript type.
 */
export type ProbedUnreachable = 'unreachable';

/**
 * What kind of failure, for the router (fail over or not) and the UI.
 */
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

/**
 * One provider in the health summary.
 */
export type ProviderHealth = {
  /**
   * The provider id.
   */
  provider: string;
  /**
   * Its state.
   */
  state: ProviderState;
  /**
   * Until when (Unix ms), for `cooldown` and `down`.
   */
  untilMs?: number;
  /**
   * The last error class, for `cooldown` and `down`.
   */
  reason?: HealthReason;
  /**
   * Its models that are cooling down.
   */
  cooling: Array<string>;
  /**
   * Served on this machine or the local network (probed in the background).
   */
  local: boolean;
  /**
   * Whether it answered the last probe or request, when one was made.
   */
  reachable?: boolean;
  /**
   * When `reachable` was found out (Unix ms).
   */
  checkedMs?: number;
};

/**
 * A provider as the UI sends it. Unmodelled keys of an existing provider are kept, and so are
 * its headers and models when the input leaves them out (`None`).
 */
export type ProviderInput = {
  /**
   * The provider id.
   */
  id: string;
  /**
   * Base URL.
   */
  baseUrl?: string | null;
  /**
   * Default API adapter.
   */
  api?: string | null;
  /**
   * Auth mode.
   */
  auth?: string | null;
  /**
   * Whether the default Authorization header is sent.
   */
  authHeader?: boolean | null;
  /**
   * Default max output tokens.
   */
  maxTokens?: number | null;
  /**
   * Request timeout in seconds.
   */
  timeoutSeconds?: number | null;
  /**
   * The key (default: keep).
   */
  key?: KeyInput;
  /**
   * The headers, in order (`None`: keep them as they are; empty: remove them).
   */
  headers?: Array<HeaderInput> | null;
  /**
   * The models, in order (`None`: keep them as they are). Each keeps the unmodelled keys of
   * the existing model with its `previousId` (else its `id`).
   */
  models?: Array<ModelInput> | null;
};

/**
 * One provider's state.
 */
export type ProviderState = 'ok' | 'cooldown' | 'down';

/**
 * What the one click saved.
 */
export type QuickStarted = {
  /**
   * The primary route now saved.
   */
  modelRef: string;
  /**
   * The server's name.
   */
  server: string;
  /**
   * The model's display name.
   */
  modelName: string;
  /**
   * From sending the test to its first token.
   */
  firstTokenMs: number | null;
};

/**
 * A damaged database that was moved aside, and why.
 */
export type Recovered = {
  /**
   * Where the damaged file is now.
   */
  movedTo: string;
  /**
   * What SQLite said about it.
   */
  reason: string;
};

/**
 * The class of a [`Refusal`].
 */
export type RefusalReason = 'private' | 'budget';

/**
 * One route attempt with its reason, as the router reports it.
 */
export type RouteAttempt = {
  /**
   * 1 for the first candidate.
   */
  attempt: number;
  /**
   * `provider/model`.
   */
  model: string;
  /**
   * What happened.
   */
  outcome: AttemptOutcome;
  /**
   * The router's error class (`rate_limit`, `timeout`, …), if it failed or was skipped.
   */
  reason?: RouteAttemptReason;
  /**
   * The HTTP status, when there was one.
   */
  status?: number;
  /**
   * How long the attempt took.
   */
  elapsedMs: number;
  /**
   * Where the request went (the privacy trail), for an attempt that was sent.
   */
  destination?: Destination;
};

/**
 * The values a route attempt's `reason` takes on the wire, for the UI's TypeScript types: the
 * router and the history keep it as text, so this enum is never built; a test pins it to
 * [`COOLDOWN`] and the policies' reasons.
 */
export type RouteAttemptReason = ProviderErrorKind | SkippedCoolingDown | RefusalReason | Incapable;

/**
 * What kind of routing failure.
 */
export type RouteErrorKind =
  | 'model_not_found'
  | 'no_primary'
  | 'bad_request'
  | 'context_overflow'
  | 'no_route'
  | 'cancelled'
  | 'interrupted'
  | 'private'
  | 'over_budget'
  | 'no_image_input';

/**
 * One attempt of one request: a candidate answered, failed, was skipped or was cancelled.
 */
export type RouteEvent = {
  /**
   * 1 for the first candidate considered.
   */
  attempt: number;
  /**
   * `provider/model`.
   */
  model: string;
  /**
   * What happened.
   */
  outcome: AttemptOutcome;
  /**
   * The error class (`rate_limit`, …) or why it was skipped (`cooldown`,
   * `context_overflow`, `config`).
   */
  reason?: RouteAttemptReason;
  /**
   * The HTTP status, when there was one.
   */
  status?: number;
  /**
   * From the start of the attempt to its answer's first token (`ok`) or its failure.
   */
  elapsedMs: number;
  /**
   * How long the model is now skipped, after a failure that put it in cooldown.
   */
  cooldownMs?: number;
  /**
   * Where the request went (the privacy trail), for an attempt that was sent.
   */
  destination?: Destination;
};

/**
 * What the tray and the UI show.
 */
export type RouteHealth = {
  /**
   * The default route's state.
   */
  overall: RouteOverall;
  /**
   * The model the default route would use now.
   */
  current?: string;
  /**
   * Every configured provider and every provider with a cooling model, by id.
   */
  providers: Array<ProviderHealth>;
};

/**
 * Overall state of the default route.
 */
export type RouteOverall = 'on_primary' | 'on_fallback' | 'no_route';

/**
 * How one route test went: it answered, or the provider error class and message. Never a key.
 */
export type RouteTestResult = {
  /**
   * `provider/model`.
   */
  ref: string;
  /**
   * It answered.
   */
  ok: boolean;
  /**
   * For a failure: `auth`, `connection`, `timeout`, `not_found`, `rate_limit`, `server`, …
   */
  kind: ProviderErrorKind | null;
  /**
   * The HTTP status, when the server answered with one.
   */
  status: number | null;
  /**
   * For people: what failed (redacted), or empty when it answered.
   */
  message: string;
  /**
   * From sending to the first token (answer or reasoning).
   */
  firstTokenMs: number | null;
  /**
   * From sending to the end of the answer or the failure.
   */
  elapsedMs: number;
  /**
   * The start of the answer, on one line.
   */
  preview: string;
  /**
   * The model reasoned before answering.
   */
  reasoned: boolean;
  /**
   * Token counts, when the server reported them.
   */
  usage: RouteTestUsage | null;
};

/**
 * A route to test that is not saved yet (the wizard's last step): where and what to ask.
 */
export type RouteTestTarget = {
  /**
   * The provider id it will be saved under; a stored key is looked up by it.
   */
  provider: string;
  /**
   * The provider-facing model id.
   */
  model: string;
  /**
   * The wire API.
   */
  api: string;
  /**
   * The base URL, with `/v1`.
   */
  baseUrl: string;
  /**
   * Extra headers (none in the wizard's presets).
   */
  headers?: { [key in string]: string } | null;
};

/**
 * Token counts of a route test's answer.
 */
export type RouteTestUsage = {
  /**
   * Input tokens (cached ones included).
   */
  input: number;
  /**
   * Output tokens (reasoning included).
   */
  output: number;
};

/**
 * The result of one scan: one entry per target, in target order.
 */
export type ScanReport = {
  /**
   * The probed servers.
   */
  servers: Array<DetectedServer>;
  /**
   * The model to start with, if any server on this machine offers one
   * ([`super::suggest::suggest`]; [`ScanReport::new`] fills it in).
   */
  suggested: Suggestion | null;
};

/**
 * What to scan besides the default ports.
 */
export type ScanRequest = {
  /**
   * OpenAI-compatible base URLs the user added.
   */
  extraUrls?: Array<string>;
  /**
   * LM Studio's port, when it is not 1234.
   */
  lmstudioPort?: number | null;
};

/**
 * One message that matched a search.
 */
export type SearchHit = {
  /**
   * The conversation it is in.
   */
  conversationId: number;
  /**
   * That conversation's title.
   */
  conversationTitle: string;
  /**
   * The message.
   */
  messageId: number;
  /**
   * Who wrote it.
   */
  role: MessageRole;
  /**
   * The model that answered, for answers.
   */
  model: string | null;
  /**
   * When it was written.
   */
  createdAt: Timestamp;
  /**
   * Text around the match, the matching parts flagged.
   */
  snippet: Array<SnippetPart>;
};

/**
 * The kinds of local server Switchboard recognises.
 */
export type ServerKind =
  'lmstudio' | 'ollama' | 'vllm' | 'llamacpp' | 'litellm' | 'jan' | 'openai-compatible';

/**
 * A server the user chose in the wizard, as the scan reported it.
 */
export type ServerRef = {
  /**
   * `lmstudio`, `ollama`, …, or `openai-compatible`.
   */
  kind: string;
  /**
   * The base URL from the scan (with `/v1`).
   */
  baseUrl: string;
};

/**
 * Whether the expected server answered.
 */
export type ServerStatus = 'running' | 'not_running' | 'other_service' | 'error';

/**
 * Why `settings_set` refused or failed: an [`IpcError`]'s `kind` and `message`, and for a value
 * that is not allowed the setting it is about (`field`, the JSON key) and, in a list, the item.
 */
export type SettingsSetError = {
  /**
   * `invalid_input` for a refused value, `io` for a failed write, `internal`.
   */
  kind: IpcErrorKind;
  /**
   * For people, naming the setting.
   */
  message: string;
  /**
   * The setting that is wrong (`detectIntervalSecs`, `extraServerUrls`, …).
   */
  field: keyof AppSettings | null;
  /**
   * The item of a list setting that is wrong.
   */
  index: number | null;
};

/**
 * What `settings_get` returns.
 */
export type SettingsView = {
  /**
   * The settings in effect.
   */
  settings: AppSettings;
  /**
   * Why the settings file was not used (the defaults are in effect until the next save).
   */
  warning: string | null;
  /**
   * Where every file lives.
   */
  locations: Locations;
  /**
   * The desktop's locale (`LC_ALL`, `LC_MESSAGES` or `LANG`), which the `system` language
   * follows; `None` when none is set.
   */
  systemLocale: string | null;
};

/**
 * What the setup wizard's Save wrote.
 */
export type SetupSaved = {
  /**
   * The config as saved.
   */
  view: ConfigView;
  /**
   * The profiles of the chosen servers.
   */
  added: Array<AddedProfile>;
};

/**
 * How bad a diagnostic is.
 */
export type Severity = 'warning' | 'error';

/**
 * The one value [`COOLDOWN`], as a TypeScript type.
 */
export type SkippedCoolingDown = 'cooldown';

/**
 * A piece of a snippet.
 */
export type SnippetPart = {
  /**
   * The text.
   */
  text: string;
  /**
   * Whether it matched the query.
   */
  highlight: boolean;
};

/**
 * One line of the [`Report`].
 */
export type SpendLine = {
  /**
   * The provider id; `None` for the overall line.
   */
  provider: string | null;
  /**
   * The budget (empty: none).
   */
  budget: Budget;
  /**
   * The worst standing against the budget.
   */
  standing: Standing;
  /**
   * USD today.
   */
  todayUsd: number;
  /**
   * USD this month.
   */
  monthUsd: number;
  /**
   * Answers today whose price is unknown.
   */
  unknownToday: number;
  /**
   * Answers this month whose price is unknown.
   */
  unknownMonth: number;
};

/**
 * Spend against budgets, for `switchboard spend`, Providers and the tray.
 */
export type SpendReport = {
  /**
   * The local day, `YYYY-MM-DD`.
   */
  day: string;
  /**
   * The local month, `YYYY-MM`.
   */
  month: string;
  /**
   * All providers together, against the overall budget.
   */
  overall: SpendLine;
  /**
   * Each provider with spend or a budget, by id.
   */
  providers: Array<SpendLine>;
};

/**
 * Where spend stands against one limit.
 */
export type Standing = 'ok' | 'warning' | 'over';

/**
 * Why the answer ended.
 */
export type StopReason = 'stop' | 'length' | 'tool_calls' | 'cancelled';

/**
 * The model a scan suggests starting with and where it runs (see [`super::suggest`]).
 */
export type Suggestion = {
  /**
   * The server kind.
   */
  kind: ServerKind;
  /**
   * The server's name (`LM Studio`).
   */
  server: string;
  /**
   * Its base URL, with `/v1`.
   */
  baseUrl: string;
  /**
   * The model id to send.
   */
  modelId: string;
  /**
   * The model's display name.
   */
  modelName: string;
  /**
   * The context a request gets, when known.
   */
  contextWindow: number | null;
  /**
   * Whether it is loaded (`None`: the server does not say).
   */
  loaded: boolean | null;
};

/**
 * The window's colours.
 */
export type Theme = 'system' | 'light' | 'dark';

/**
 * Milliseconds since the Unix epoch (UTC). Serializes as RFC 3339, `2026-11-25T10:15:00.123Z`.
 */
export type Timestamp = string;

/**
 * The wire APIs this version speaks.
 */
export type WireApi = 'openai-completions' | 'openai-responses' | 'anthropic-messages';
