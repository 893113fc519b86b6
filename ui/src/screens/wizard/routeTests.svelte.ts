/**
 * The wizard's route tests: one tiny chat through each chosen route, all at once, before
 * anything is written; what answered decides what Save writes.
 *
 * A run's tests share a group id, so Back, Cancel or "Test again" abandon the run: the core
 * cancels its requests and late answers of an abandoned run are ignored.
 */
import { t } from '../../lib/i18n/i18n.svelte';
import * as ipc from '../../lib/ipc';
import { errorTitle } from '../../lib/errorLabels';
import {
  toIpcError,
  type ProviderErrorKind,
  type RouteTestResult,
  type RouteTestTarget,
} from '../../lib/ipc';

/** A route to test: its ref, where it goes, and the key typed for it (hosted only). */
export interface RouteDraft {
  ref: string;
  where: 'local' | 'hosted';
  target: RouteTestTarget;
  /** A key typed in the wizard and not stored yet. */
  key?: string;
}

export type RouteTestState =
  | { phase: 'testing' }
  | { phase: 'ok'; result: RouteTestResult }
  | { phase: 'failed'; result: RouteTestResult };

/** What to do about a failed test, in the seed's words where it has some. */
export interface TestHint {
  text: string;
  /** "Back to Hosted provider" for a rejected hosted key. */
  action?: 'hosted';
}

export type RouteTestBackend = Pick<typeof ipc, 'routeTest' | 'routeTestCancel'>;

let runs = 0;

export class RouteTester {
  readonly #api: RouteTestBackend;
  #states = $state<Record<string, RouteTestState>>({});
  /** Refs the user keeps although their test failed (a 429 today may answer tomorrow). */
  #kept = $state<string[]>([]);
  #run = 0;
  #group: string | undefined;

  constructor(api: RouteTestBackend) {
    this.#api = api;
  }

  /** The state of each tested ref (none before the first run). */
  get states(): Record<string, RouteTestState> {
    return this.#states;
  }

  get busy(): boolean {
    return Object.values(this.#states).some((s) => s.phase === 'testing');
  }

  /** Whether `ref` answered its last test. */
  answered(ref: string): boolean {
    return this.#states[ref]?.phase === 'ok';
  }

  /** Whether `ref` was tested and did not answer. */
  failed(ref: string): boolean {
    return this.#states[ref]?.phase === 'failed';
  }

  /** Whether `ref` failed its last test and the user keeps it anyway. */
  kept(ref: string): boolean {
    return this.failed(ref) && this.#kept.includes(ref);
  }

  /** Keeps (or stops keeping) a failed route: Save writes it with the routes that answered. */
  keep(ref: string, keep: boolean): void {
    const others = this.#kept.filter((r) => r !== ref);
    this.#kept = keep ? [...others, ref] : others;
  }

  /** Whether Save writes `ref`: it answered, or it failed and is kept on purpose. */
  saved(ref: string): boolean {
    return this.answered(ref) || this.kept(ref);
  }

  /** Tests every draft in parallel; an earlier run still going is abandoned first. */
  async testAll(drafts: RouteDraft[]): Promise<void> {
    this.abandon();
    runs += 1;
    const run = ++this.#run;
    const group = `wizard-${runs}-${Date.now()}`;
    this.#group = group;
    this.#states = Object.fromEntries(drafts.map((d) => [d.ref, { phase: 'testing' as const }]));
    await Promise.all(
      drafts.map(async (draft) => {
        let result: RouteTestResult;
        try {
          result = await this.#api.routeTest(draft.target, draft.key || undefined, group);
        } catch (error) {
          // Not a provider's answer (the config, a task): no error class, the message says why.
          result = failure(draft.ref, toIpcError(error).message);
        }
        if (run !== this.#run) return; // abandoned meanwhile
        this.#states = {
          ...this.#states,
          [draft.ref]: result.ok ? { phase: 'ok', result } : { phase: 'failed', result },
        };
      }),
    );
    if (run === this.#run) this.#group = undefined;
  }

  /** Stops a running test run (its late answers are ignored) and forgets every result (and
   *  every failed route kept: the next run decides again). */
  abandon(): void {
    this.#run += 1;
    this.#kept = [];
    const group = this.#group;
    this.#group = undefined;
    this.#states = {};
    // Best effort: a test that already finished has nothing to cancel.
    if (group) this.#api.routeTestCancel(group).catch(() => undefined);
  }
}

function failure(ref: string, message: string): RouteTestResult {
  return {
    ref,
    ok: false,
    kind: null,
    status: null,
    message,
    firstTokenMs: null,
    elapsedMs: 0,
    preview: '',
    reasoned: false,
    usage: null,
  };
}

/** "0.4 s", "35 ms". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000
    ? t('tests.ms', { n: Math.round(ms) })
    : t('tests.s', { n: (ms / 1000).toFixed(1) });
}

/** The error class in a few words, for the row. */
export function kindLabel(kind: ProviderErrorKind | null, status: number | null): string {
  const label = errorTitle(kind);
  return status ? t('tests.http', { label, status }) : label;
}

/** What to do about a failed test of a route to `source` ("LM Studio", "Anthropic", …). */
export function hintFor(
  kind: ProviderErrorKind | null,
  where: 'local' | 'hosted',
  source: string,
): TestHint | undefined {
  const local = where === 'local';
  const lmstudio = source === 'LM Studio';
  switch (kind) {
    case 'auth':
    case 'forbidden':
      return local
        ? {
            text: lmstudio ? t('hint.lmstudioToken') : t('hint.localKey', { source }),
          }
        : { text: t('hint.checkKey'), action: 'hosted' };
    case 'billing':
      return { text: t('hint.billing') };
    case 'connection':
      return local
        ? { text: t(lmstudio ? 'hint.runningLmstudio' : 'hint.running', { source }) }
        : { text: t('hint.network') };
    case 'timeout':
      return local ? { text: t('hint.stillLoading', { source }) } : { text: t('hint.slow') };
    case 'model_not_loaded':
      return { text: t('hint.loadModel', { source }) };
    case 'not_found':
      return local
        ? { text: t('hint.loadModel', { source }) }
        : { text: t('hint.checkModel'), action: 'hosted' };
    case 'rate_limit':
    case 'overloaded':
      return { text: t('hint.wait') };
    case 'server':
      return local ? { text: t('hint.localServer', { source }) } : { text: t('hint.hostedServer') };
    default:
      return undefined;
  }
}
