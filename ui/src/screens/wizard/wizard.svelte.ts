/**
 * The Setup wizard's state: five steps, nothing written until the last one.
 *
 * Scanning, loading and downloading a model talk to the local servers only. "Load" is LM Studio's
 * just-in-time load (an idle TTL unloads it again); only "Keep loaded" pins a model. When LM
 * Studio has no chat model worth using, `download` offers one (`download.svelte.ts`); once it is
 * on disk the wizard scans again and selects it for the route. The hosted key stays in this
 * object (never in storage) until Save sends it once to `keys_set`; Cancel and a finished save
 * both drop it. The last step tests every route first (`routeTests.svelte.ts`, which sends the
 * typed key with the hosted route's test only) and Save writes what answered, plus the failed
 * routes the user keeps on purpose (a rate limit today may answer tomorrow).
 */
import { t, type MessageId } from '../../lib/i18n/i18n.svelte';
import * as ipc from '../../lib/ipc';
import {
  toIpcError,
  type ConfigEdit,
  type DetectedServer,
  type Suggestion,
  type IpcError,
  type KeyTestResult,
  type RouteTestTarget,
} from '../../lib/ipc';
import { SETUP_MODES, type SetupMode } from './modes';
import { isProviderId, presetById, providerIdOf, type PresetId } from './presets';
import { serverName } from '../../lib/servers';
import { RouteTester, type RouteDraft } from './routeTests.svelte';
import { ModelDownload } from './download.svelte';

/** The context a model is loaded with from the wizard. */
export const LOAD_CONTEXT = 32768;

export type StepId = 'find' | 'mode' | 'hosted' | 'routes' | 'save';
export type ModeId = SetupMode['id'];

/** The message key of each step's title. */
export const STEP_TITLES: Record<StepId, MessageId> = {
  find: 'step.find',
  mode: 'step.mode',
  hosted: 'step.hosted',
  routes: 'step.routes',
  save: 'step.save',
};

/** One model a route can use. */
export interface Candidate {
  ref: string;
  name: string;
  where: 'local' | 'hosted';
  /** Server or provider label, e.g. "LM Studio". */
  source: string;
  /** Where a route test sends its message. */
  target: RouteTestTarget;
}

export interface RouteEntry {
  ref: string;
  alias: string;
}

export interface SaveResult {
  path: string;
  written: string[];
  /** Routes left out because their test failed. */
  dropped: string[];
  /** Routes saved although their test failed (kept on purpose). */
  kept: string[];
}

/**
 * What Save writes, from the route tests: the routes that answered and the failed ones kept on
 * purpose, in the chosen order.
 */
export interface SavePlan {
  routes: RouteEntry[];
  /** The routes in `routes` that failed their test and are kept anyway. */
  kept: RouteEntry[];
  dropped: RouteEntry[];
  /** The chosen local servers with at least one route that answered (their whole profile). */
  servers: DetectedServer[];
  /** The hosted provider (and its key) is written: its route answered. */
  hosted: boolean;
}

type Phase = 'idle' | 'busy' | 'done' | 'error';

/** The IPC functions the wizard uses (tests pass fakes, the app the real ones). */
export type WizardBackend = Pick<
  typeof ipc,
  | 'discoveryScan'
  | 'discoveryLoadModel'
  | 'discoveryWarmUp'
  | 'lmstudioDownloadOffer'
  | 'lmstudioDownload'
  | 'lmstudioDownloadCancel'
  | 'setupSave'
  | 'configLoad'
  | 'keysSet'
  | 'keysDelete'
  | 'keysTest'
  | 'routeTest'
  | 'routeTestCancel'
>;

export class Wizard {
  readonly #api: WizardBackend;

  #step = $state<StepId>('find');
  scanPhase = $state<Phase>('idle');
  servers = $state<DetectedServer[]>([]);
  /** The model core suggests starting with (the one-click start), from the last scan. */
  suggested = $state<Suggestion | null>(null);
  scanError = $state<IpcError | undefined>();
  lmstudioPort = $state<number | null>(null);
  /** Base URLs of the detected servers to add. */
  chosen = $state<string[]>([]);
  /** Model id → load state. */
  loading = $state<Record<string, Phase>>({});
  loadErrors = $state<Record<string, string>>({});
  /** The model a download just brought (`provider/model`): the first route's default. */
  preferred = $state<string | null>(null);
  /** The model download through LM Studio. */
  readonly download: ModelDownload;

  mode = $state<ModeId>('local-only');

  preset = $state<PresetId>('anthropic');
  providerId = $state('anthropic');
  baseUrl = $state(presetById('anthropic').baseUrl);
  api = $state(presetById('anthropic').api);
  modelId = $state(presetById('anthropic').model.id);
  modelName = $state(presetById('anthropic').model.name);
  contextWindow = $state(presetById('anthropic').model.contextWindow);
  /** The hosted key: only here, until Save. */
  key = $state('');
  testPhase = $state<Phase>('idle');
  testResult = $state<KeyTestResult | undefined>();
  testError = $state<IpcError | undefined>();

  routes = $state<RouteEntry[]>([]);

  savePhase = $state<Phase>('idle');
  saveError = $state<IpcError | undefined>();
  saved = $state<SaveResult | undefined>();

  /** The last step's route tests. */
  readonly tests: RouteTester;
  #testing: Promise<void> = Promise.resolve();

  constructor(api: WizardBackend = ipc) {
    this.#api = api;
    this.tests = new RouteTester(api);
    this.download = new ModelDownload(api, (server) => this.#downloaded(server));
  }

  get step(): StepId {
    return this.#step;
  }

  get steps(): StepId[] {
    const all: StepId[] = ['find', 'mode', 'hosted', 'routes', 'save'];
    return this.mode === 'local-only' ? all.filter((s) => s !== 'hosted') : all;
  }

  get stepIndex(): number {
    return this.steps.indexOf(this.#step);
  }

  get modeInfo(): SetupMode {
    const found = SETUP_MODES.find((m) => m.id === this.mode);
    if (!found) throw new Error(`no setup ${this.mode}`);
    return found;
  }

  get lmstudio(): DetectedServer | undefined {
    return this.servers.find((s) => s.kind === 'lmstudio');
  }

  get running(): DetectedServer[] {
    return this.servers.filter((s) => s.status === 'running');
  }

  get localCandidates(): Candidate[] {
    return this.running
      .filter((s) => this.chosen.includes(s.baseUrl))
      .flatMap((s) =>
        s.models
          .filter((m) => m.type !== 'embeddings')
          .map((m) => ({
            ref: `${providerIdOf(s)}/${m.id}`,
            name: m.name,
            where: 'local' as const,
            source: serverLabel(s),
            target: {
              provider: providerIdOf(s),
              model: m.id,
              api: s.api ?? 'openai-completions',
              baseUrl: s.baseUrl,
            },
          })),
      );
  }

  get usesHosted(): boolean {
    return this.mode !== 'local-only';
  }

  get hostedCandidate(): Candidate | undefined {
    if (!this.usesHosted || !this.modelId.trim()) return undefined;
    return {
      ref: `${this.providerId.trim()}/${this.modelId.trim()}`,
      name: this.modelName.trim() || this.modelId.trim(),
      where: 'hosted',
      source: presetById(this.preset).label,
      target: {
        provider: this.providerId.trim(),
        model: this.modelId.trim(),
        api: this.api,
        baseUrl: this.baseUrl.trim(),
      },
    };
  }

  get candidates(): Candidate[] {
    const hosted = this.hostedCandidate;
    return hosted ? [...this.localCandidates, hosted] : this.localCandidates;
  }

  /** Problems with the hosted step's fields, by field. */
  get hostedErrors(): Partial<Record<'providerId' | 'baseUrl' | 'modelId', string>> {
    const errors: Partial<Record<'providerId' | 'baseUrl' | 'modelId', string>> = {};
    if (!isProviderId(this.providerId.trim())) errors.providerId = t('hosted.badId');
    if (!/^https?:\/\/\S+$/.test(this.baseUrl.trim())) errors.baseUrl = t('hosted.badUrl');
    if (!this.modelId.trim()) errors.modelId = t('hosted.noModel');
    return errors;
  }

  /** Why Next is disabled on the current step, if it is. */
  get blocked(): string | undefined {
    switch (this.#step) {
      case 'find':
        return this.scanPhase === 'busy' ? t('blocked.scanning') : undefined;
      case 'mode':
        return this.mode !== 'hybrid' && this.localCandidates.length === 0
          ? t('blocked.needsLocal')
          : undefined;
      case 'hosted':
        return Object.values(this.hostedErrors)[0];
      case 'routes':
        return this.routes.length === 0 ? t('blocked.noPrimary') : undefined;
      case 'save':
        if (this.tests.busy) return t('blocked.testing');
        return this.plan.routes.length === 0 ? t('blocked.noneAnswered') : undefined;
      default:
        return undefined;
    }
  }

  /** The chosen routes as tests: where each goes, and the typed key for the hosted one. */
  get drafts(): RouteDraft[] {
    const candidates = this.candidates;
    return this.routes.flatMap((route) => {
      const c = candidates.find((x) => x.ref === route.ref);
      if (!c) return [];
      const key = c.where === 'hosted' ? this.key.trim() || undefined : undefined;
      return [{ ref: c.ref, where: c.where, target: c.target, key }];
    });
  }

  /** Tests every route again (the step does it on entering; "Test again" calls this). */
  testRoutes(): Promise<void> {
    this.#testing = this.tests.testAll(this.drafts);
    return this.#testing;
  }

  /** Resolves when the current test run has finished (or was abandoned). */
  whenTested(): Promise<void> {
    return this.#testing;
  }

  /** What Save writes, from the route tests. */
  get plan(): SavePlan {
    const routes = this.routes.filter((r) => this.tests.saved(r.ref));
    const kept = this.routes.filter((r) => this.tests.kept(r.ref));
    const dropped = this.routes.filter((r) => !this.tests.saved(r.ref));
    const providers = routes.map((r) => r.ref.split('/')[0]);
    const servers = this.running.filter(
      (s) => this.chosen.includes(s.baseUrl) && providers.includes(providerIdOf(s)),
    );
    const hosted = this.hostedCandidate;
    return {
      routes,
      kept,
      dropped,
      servers,
      hosted: hosted !== undefined && routes.some((r) => r.ref === hosted.ref),
    };
  }

  async scan(): Promise<void> {
    this.scanPhase = 'busy';
    this.scanError = undefined;
    try {
      const report = await this.#api.discoveryScan({ lmstudioPort: this.lmstudioPort });
      this.servers = report.servers;
      this.suggested = report.suggested;
      // Running servers with chat models are chosen unless the user unticked them before.
      const usable = report.servers
        .filter((s) => s.status === 'running' && s.models.some((m) => m.type !== 'embeddings'))
        .map((s) => s.baseUrl);
      this.chosen = this.chosen.length > 0 ? this.chosen.filter((u) => usable.includes(u)) : usable;
      if (this.chosen.length === 0) this.chosen = usable;
      this.scanPhase = 'done';
    } catch (error) {
      this.scanError = toIpcError(error);
      this.scanPhase = 'error';
      return;
    }
    await this.download.check(this.lmstudio);
  }

  /** A download put a model on disk: scan again and select it (and its server). */
  async #downloaded(server: DetectedServer): Promise<void> {
    const before = server.models.map((m) => m.id);
    await this.scan();
    const now = this.servers.find((s) => s.baseUrl === server.baseUrl);
    const added = now?.models.find((m) => m.type !== 'embeddings' && !before.includes(m.id));
    if (!now || !added) return;
    if (!this.chosen.includes(now.baseUrl)) this.chosen = [...this.chosen, now.baseUrl];
    this.preferred = `${providerIdOf(now)}/${added.id}`;
  }

  toggleServer(baseUrl: string): void {
    this.chosen = this.chosen.includes(baseUrl)
      ? this.chosen.filter((u) => u !== baseUrl)
      : [...this.chosen, baseUrl];
  }

  /**
   * "Load": LM Studio loads `modelId` just in time for a one-token request, with an idle TTL
   * (it unloads the model after an idle hour). "Loading…" shows until the answer. Both loads
   * ask for a large enough context (see {@link loadContext}).
   */
  loadModel(server: DetectedServer, modelId: string): Promise<void> {
    const context = loadContext(server, modelId);
    return this.#load(modelId, () =>
      this.#api.discoveryWarmUp(server.baseUrl, modelId, server.api ?? null, context),
    );
  }

  /** "Keep loaded": LM Studio loads `modelId` and keeps it (no idle TTL). */
  keepLoaded(server: DetectedServer, modelId: string): Promise<void> {
    const context = loadContext(server, modelId);
    return this.#load(modelId, () =>
      this.#api.discoveryLoadModel(server.baseUrl, modelId, context),
    );
  }

  async #load(modelId: string, load: () => Promise<unknown>): Promise<void> {
    this.loading = { ...this.loading, [modelId]: 'busy' };
    this.loadErrors = Object.fromEntries(
      Object.entries(this.loadErrors).filter(([id]) => id !== modelId),
    );
    try {
      await load();
      this.loading = { ...this.loading, [modelId]: 'done' };
      await this.scan();
    } catch (error) {
      this.loading = { ...this.loading, [modelId]: 'error' };
      this.loadErrors = { ...this.loadErrors, [modelId]: toIpcError(error).message };
    }
  }

  choosePreset(id: PresetId): void {
    const preset = presetById(id);
    this.preset = id;
    this.providerId = preset.provider;
    this.baseUrl = preset.baseUrl;
    this.api = preset.api;
    this.modelId = preset.model.id;
    this.modelName = preset.model.name;
    this.contextWindow = preset.model.contextWindow;
    this.clearTest();
  }

  clearTest(): void {
    this.testPhase = 'idle';
    this.testResult = undefined;
    this.testError = undefined;
  }

  async testKey(): Promise<void> {
    this.testPhase = 'busy';
    this.testResult = undefined;
    this.testError = undefined;
    try {
      this.testResult = await this.#api.keysTest(this.providerId.trim(), this.key || undefined, {
        baseUrl: this.baseUrl.trim(),
        api: this.api,
      });
      this.testPhase = 'done';
    } catch (error) {
      this.testError = toIpcError(error);
      this.testPhase = 'error';
    }
  }

  /** The routes each setup starts with: its primary kind first, then the other kind. */
  defaultRoutes(): RouteEntry[] {
    const local = this.localCandidates;
    const firstLocal = local.find((c) => c.ref === this.preferred) ?? local[0];
    const hosted = this.hostedCandidate;
    const order =
      this.mode === 'hybrid'
        ? [hosted, firstLocal]
        : this.mode === 'local-first'
          ? [firstLocal, hosted]
          : [firstLocal];
    return order
      .filter((c): c is Candidate => c !== undefined)
      .map((c) => ({ ref: c.ref, alias: defaultAlias(c) }));
  }

  next(): void {
    if (this.blocked) return;
    const steps = this.steps;
    const following = steps[steps.indexOf(this.#step) + 1];
    if (!following) return;
    if (following === 'routes') {
      const known = this.candidates.map((c) => c.ref);
      const kept = this.routes.filter((r) => known.includes(r.ref));
      this.routes =
        kept.length > 0 && kept.length === this.routes.length ? kept : this.defaultRoutes();
    }
    this.#step = following;
    if (following === 'save') void this.testRoutes();
  }

  back(): void {
    const steps = this.steps;
    const previous = steps[steps.indexOf(this.#step) - 1];
    if (previous) this.#leave(previous);
  }

  goTo(step: StepId): void {
    if (this.steps.indexOf(step) < this.stepIndex) this.#leave(step);
  }

  /** Leaves the current step for an earlier one; leaving the last abandons its tests. */
  #leave(step: StepId): void {
    if (this.#step === 'save') this.tests.abandon();
    this.saveError = undefined;
    this.#step = step;
  }

  move(index: number, by: -1 | 1): void {
    const target = index + by;
    if (target < 0 || target >= this.routes.length) return;
    const next = [...this.routes];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(target, 0, moved);
    this.routes = next;
  }

  addRoute(ref: string): void {
    const candidate = this.candidates.find((c) => c.ref === ref);
    if (!candidate || this.routes.some((r) => r.ref === ref)) return;
    this.routes = [...this.routes, { ref, alias: defaultAlias(candidate) }];
  }

  removeRoute(index: number): void {
    this.routes = this.routes.filter((_, i) => i !== index);
  }

  /**
   * Writes what answered its test in one save: the profiles of local servers with a route that
   * answered, the hosted provider (if its route answered), the routes (first answered =
   * primary) and their aliases, validated together, so the file's `.bak` never holds an
   * in-between state. The hosted key goes into the keychain only after that save succeeded.
   */
  async save(): Promise<void> {
    if (this.blocked) return;
    this.savePhase = 'busy';
    this.saveError = undefined;
    const plan = this.plan;
    const hosted = plan.hosted ? this.hostedCandidate : undefined;
    const provider = this.providerId.trim();
    try {
      const [primary, ...fallbacks] = plan.routes.map((r) => r.ref);
      if (primary === undefined) {
        throw new ipc.IpcError('invalid_input', t('save.noRouteAnswered'));
      }
      const edits: ConfigEdit[] = [];
      if (hosted) {
        // The provider and its model in one edit: a custom provider must declare its models.
        edits.push({
          op: 'upsertProvider',
          provider: {
            id: provider,
            baseUrl: this.baseUrl.trim(),
            api: this.api,
            models: [
              {
                id: this.modelId.trim(),
                name: this.modelName.trim() || this.modelId.trim(),
                contextWindow: this.contextWindow || null,
              },
            ],
          },
        });
      }
      edits.push({ op: 'setRoutes', primary, fallbacks });
      const aliased = plan.routes.filter((r) => r.alias.trim());
      for (const route of aliased) {
        edits.push({ op: 'setAlias', ref: route.ref, alias: route.alias.trim() });
      }
      const { revision } = await this.#api.configLoad();
      const saved = await this.#api.setupSave(revision, plan.servers, edits);
      const written = saved.added.map((added) =>
        t('save.writtenProvider', { provider: added.provider, count: added.models.length }),
      );
      if (hosted) {
        written.push(t('save.writtenHosted', { provider, model: this.modelId.trim() }));
        if (this.key.trim()) {
          await this.#api.keysSet(provider, this.key);
          written.push(t('save.writtenKey', { provider }));
        }
      }
      written.push(t('save.writtenRoutes', { routes: [primary, ...fallbacks].join(' → ') }));
      if (aliased.length > 0)
        written.push(
          t('save.writtenAliases', {
            aliases: aliased.map((r) => `${r.alias.trim()} = ${r.ref}`).join(', '),
          }),
        );
      this.saved = {
        path: saved.view.path,
        written,
        dropped: plan.dropped.map((r) => r.ref),
        kept: plan.kept.map((r) => r.ref),
      };
      this.key = '';
      this.savePhase = 'done';
    } catch (error) {
      this.saveError = toIpcError(error);
      this.savePhase = 'error';
    }
  }

  /** Forgets everything (the key too) and starts over; nothing was written. */
  reset(): void {
    this.tests.abandon();
    this.key = '';
    this.#step = 'find';
    this.mode = 'local-only';
    this.routes = [];
    this.clearTest();
    this.choosePreset('anthropic');
    this.saved = undefined;
    this.savePhase = 'idle';
    this.saveError = undefined;
  }
}

/**
 * The context a model is loaded with from the wizard: 32K, or less when the model cannot take
 * it. LM Studio's default is often 4K, under the 16K the seed advises.
 */
function loadContext(server: DetectedServer, modelId: string): number {
  const max = server.models.find((m) => m.id === modelId)?.maxContextWindow;
  return Math.min(max ?? LOAD_CONTEXT, LOAD_CONTEXT);
}

export function serverLabel(server: Pick<DetectedServer, 'kind' | 'baseUrl'>): string {
  return serverName(server);
}

/** A short alias from a model name: "Qwen3 8B" stays, "qwen/qwen3-8b" becomes "qwen3-8b". */
function defaultAlias(candidate: Candidate): string {
  const base = candidate.name.includes('/') ? candidate.name.split('/').pop() : candidate.name;
  return (base ?? candidate.ref).trim();
}
