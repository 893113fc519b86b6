/**
 * The Providers screen's state: the config view, each provider's key status, and the edits.
 *
 * Keys go to `keys_set` and are never read back; the status says only where a key comes from.
 * Edits go through `config_apply` with the revision last loaded; a `conflict` reloads the file.
 */
import { t } from '../../lib/i18n/i18n.svelte';
import * as ipc from '../../lib/ipc';
import {
  toIpcError,
  type ConfigDiagnostic,
  type ConfigEdit,
  type ConfigView,
  type DetectedServer,
  type IpcError,
  type KeysStatus,
  type KeyStatus,
} from '../../lib/ipc';

export type ProvidersBackend = Pick<
  typeof ipc,
  | 'configLoad'
  | 'configApply'
  | 'configImportOpenclaw'
  | 'configExportOpenclaw'
  | 'keysStatus'
  | 'keysSet'
  | 'keysDelete'
  | 'keysTest'
  | 'discoveryScan'
  | 'discoveryAddProfiles'
>;

type Phase = 'idle' | 'loading' | 'ready' | 'error';

/** A problem to show next to a field: its config path and what is wrong. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** `file:line:col: path: message` lines (as `invalid_config` errors carry them) → problems. */
export function problemsFromMessage(message: string): FieldProblem[] {
  return message
    .split('\n')
    .map((line) => /: ((?:models|agents|secrets)\.[^\s:]+|[A-Za-z_][\w.[\]]*): (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ path: m[1] ?? '', message: (m[2] ?? '').replace(/^warning: /, '') }));
}

/** The problems under `prefix` (e.g. `models.providers.openai.baseUrl`). */
export function problemsAt(problems: readonly FieldProblem[], prefix: string): string[] {
  return problems
    .filter(
      (p) =>
        p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`),
    )
    .map((p) => p.message);
}

export class ProvidersStore {
  readonly #api: ProvidersBackend;
  #phase = $state<Phase>('idle');
  #view = $state<ConfigView | undefined>();
  #keys = $state<KeysStatus | undefined>();
  #error = $state<IpcError | undefined>();
  /** Problems from the last refused edit, by config path. */
  #editProblems = $state<FieldProblem[]>([]);
  /** The last import/export or key action, for a status line. */
  notice = $state<string | undefined>();

  constructor(api: ProvidersBackend = ipc) {
    this.#api = api;
  }

  get phase(): Phase {
    return this.#phase;
  }

  get view(): ConfigView | undefined {
    return this.#view;
  }

  get keys(): KeysStatus | undefined {
    return this.#keys;
  }

  get error(): IpcError | undefined {
    return this.#error;
  }

  /** Errors in the file itself (the config cannot be used until they are fixed). */
  get fileErrors(): ConfigDiagnostic[] {
    return (this.#view?.diagnostics ?? []).filter((d) => d.severity === 'error');
  }

  get broken(): boolean {
    return this.#view !== undefined && this.#view.exists && !this.#view.valid;
  }

  /** Problems of the last refused edit (or of the form's own checks), by config path. */
  get editProblems(): FieldProblem[] {
    return this.#editProblems;
  }

  /** Shows `problems` as if the core had refused the edit (the form's own checks). */
  setEditProblems(problems: FieldProblem[]): void {
    this.#editProblems = problems;
  }

  /** View diagnostics and refused-edit problems together. */
  get problems(): FieldProblem[] {
    const fromView = (this.#view?.diagnostics ?? []).map((d) => ({
      path: d.path,
      message: d.message,
    }));
    return [...this.#editProblems, ...fromView];
  }

  keyOf(provider: string): KeyStatus | undefined {
    return this.#keys?.providers.find((k) => k.provider === provider);
  }

  async load(): Promise<void> {
    this.#phase = 'loading';
    try {
      this.#view = await this.#api.configLoad();
      this.#error = undefined;
      this.#phase = 'ready';
    } catch (error) {
      this.#error = toIpcError(error);
      this.#phase = 'error';
      return;
    }
    await this.refreshKeys();
  }

  async refreshKeys(): Promise<void> {
    try {
      this.#keys = await this.#api.keysStatus();
    } catch (error) {
      const e = toIpcError(error);
      this.#keys = { keychain: { available: false, detail: e.message }, providers: [] };
    }
  }

  /** Applies `edit`; returns the refusal (also kept per field) or undefined when saved. */
  async apply(edit: ConfigEdit): Promise<IpcError | undefined> {
    try {
      this.#view = await this.#api.configApply(this.#view?.revision ?? null, edit);
      this.#editProblems = [];
      return undefined;
    } catch (error) {
      const e = toIpcError(error);
      if (e.kind === ipc.CONFIG_ERROR_KINDS.conflict) await this.load();
      if (e.kind === ipc.CONFIG_ERROR_KINDS.invalidConfig)
        this.#editProblems =
          e.diagnostics.length > 0
            ? // Warnings ride along with a refusal; only errors mark a field invalid.
              e.diagnostics
                .filter((d) => d.severity === 'error')
                .map((d) => ({ path: d.path, message: d.message }))
            : problemsFromMessage(e.message);
      return e;
    }
  }

  clearEditProblems(): void {
    this.#editProblems = [];
  }

  async setKey(provider: string, key: string): Promise<IpcError | undefined> {
    try {
      await this.#api.keysSet(provider, key);
      this.notice = t('providers.noticeKeyStored', { provider });
      await this.refreshKeys();
      return undefined;
    } catch (error) {
      return toIpcError(error);
    }
  }

  async deleteKey(provider: string): Promise<IpcError | undefined> {
    try {
      const existed = await this.#api.keysDelete(provider);
      this.notice = existed
        ? t('providers.noticeKeyDeleted', { provider })
        : t('providers.noticeNoKey', { provider });
      await this.refreshKeys();
      return undefined;
    } catch (error) {
      return toIpcError(error);
    }
  }

  testKey(provider: string, key?: string): ReturnType<ProvidersBackend['keysTest']> {
    return this.#api.keysTest(provider, key);
  }

  /** Local servers that answer now (running), for "Add provider". */
  async scan(): Promise<DetectedServer[]> {
    const report = await this.#api.discoveryScan();
    return report.servers.filter((s) => s.status === 'running');
  }

  /** Writes `server` as a provider profile (with its models), then reloads. */
  async addServer(server: DetectedServer): Promise<IpcError | undefined> {
    try {
      const added = await this.#api.discoveryAddProfiles([server]);
      this.notice = t('providers.noticeAdded', {
        what: added.map((a) => a.provider).join(', ') || t('providers.nothing'),
      });
      await this.load();
      return undefined;
    } catch (error) {
      return toIpcError(error);
    }
  }

  async importOpenclaw(): Promise<IpcError | undefined> {
    try {
      const summary = await this.#api.configImportOpenclaw();
      this.notice = summaryText('providers.noticeImported', summary);
      await this.load();
      return undefined;
    } catch (error) {
      return toIpcError(error);
    }
  }

  async exportOpenclaw(): Promise<IpcError | undefined> {
    try {
      const summary = await this.#api.configExportOpenclaw();
      this.notice = summaryText('providers.noticeExported', summary);
      return undefined;
    } catch (error) {
      return toIpcError(error);
    }
  }
}

function summaryText(
  message: 'providers.noticeImported' | 'providers.noticeExported',
  summary: ipc.ImportSummary,
): string {
  const what = summary.imported.length > 0 ? summary.imported.join(', ') : t('providers.nothing');
  const skipped =
    summary.skipped.length > 0 ? t('providers.skipped', { names: summary.skipped.join(', ') }) : '';
  return t(message, { what, skipped });
}
