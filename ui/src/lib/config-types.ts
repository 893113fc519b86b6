// The config as the IPC shows it (`config_*` commands). Mirrors the Rust view types; the
// contract test in `src-tauri/src/models/tests.rs` checks the fields.

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
  /** The text of that line of `file` (secrets masked, long lines cut), when readable. */
  sourceLine: string | null;
  /** 1-based column within `sourceLine`. */
  sourceColumn: number;
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
  /** Extra headers are set. */
  hasHeaders: boolean;
  /** The headers; a value is null when it may be secret (it is kept unless replaced). */
  headers: ConfigHeader[];
  models: ConfigModel[];
}

/** One extra request header of a provider. */
export interface ConfigHeader {
  name: string;
  /** Shown only for env-variable templates and plain values under non-credential names. */
  value: string | null;
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
  /** The `api` ids OpenClaw accepts, from its schema. */
  apis: string[];
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

/** A header as sent to `config_apply`: `keep` keeps a hidden value as written. */
export interface HeaderInput {
  name: string;
  value: { kind: 'keep' } | { kind: 'text'; value: string };
}

/** A provider as sent to `config_apply`; headers and models left out are kept. */
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
  /** The headers in order; absent: kept; empty: removed. */
  headers?: HeaderInput[] | null;
  /** The models in order; absent: kept. Errors come back at `…models[i]` in this order. */
  models?: ModelInput[] | null;
}

export interface CostInput {
  input?: number | null;
  output?: number | null;
  cacheRead?: number | null;
  cacheWrite?: number | null;
}

export interface ModelInput {
  id: string;
  /** The id before a rename, so the model's other keys move along. */
  previousId?: string | null;
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

/** One difference a reload of the config files found (names only, never a key). */
export type ConfigChange =
  | { kind: 'primary'; to: string | null }
  | { kind: 'fallbacks'; to: string[] }
  | { kind: 'providerAdded' | 'providerRemoved' | 'providerChanged'; id: string }
  | { kind: 'models' }
  | { kind: 'other' };

/** `config-changed`: a valid config is in force now (`changes` empty: a broken file was fixed). */
export interface ConfigApplied {
  kind: 'applied';
  changes: ConfigChange[];
  /** Written by another program (an editor, OpenClaw, the CLI), not by this window. */
  outside: boolean;
}

/** `config-changed`: the files are broken; the last good config stays in force. */
export interface ConfigKept {
  kind: 'kept';
  /** `file:line:col: path: message`, one per error. */
  errors: string[];
  /** A good config is still routing (false when the file was broken since the app started). */
  routesKept: boolean;
}

export type ConfigUpdate = ConfigApplied | ConfigKept;
