import { describe, expect, it, vi } from 'vitest';
import type {
  ConfigEdit,
  ConfigView,
  ProviderErrorKind,
  RouteTestResult,
  RouteTestTarget,
} from '../../lib/ipc';
import { IpcError } from '../../lib/ipc';
import { sampleReport, sampleView } from '../../test/fixtures';
import { providerIdOf, formatTokens } from './presets';
import { Wizard, type WizardBackend } from './wizard.svelte';

/** A route test result: answered, or failed with `kind`. */
function tested(ref: string, kind?: ProviderErrorKind, message = ''): RouteTestResult {
  return {
    ref,
    ok: kind === undefined,
    kind: kind ?? null,
    status: kind === 'auth' ? 401 : kind === 'rate_limit' ? 429 : null,
    message,
    firstTokenMs: kind === undefined ? 420 : null,
    elapsedMs: 600,
    preview: kind === undefined ? 'OK.' : '',
    reasoned: false,
    usage: kind === undefined ? { input: 12, output: 3 } : null,
  };
}

/**
 * A backend that records every call and answers like the app would; route tests answer unless
 * `failing` names the ref (with the error kind).
 */
/** A hybrid setup on OpenRouter with a typed key, tested and saved through `backend`. */
async function savedHybrid(backend: WizardBackend): Promise<Wizard> {
  const wizard = new Wizard(backend);
  await wizard.scan();
  wizard.next();
  wizard.mode = 'hybrid';
  wizard.next();
  wizard.choosePreset('openrouter');
  wizard.key = 'sk-or-test-key-1234';
  await wizard.testKey();
  wizard.next();
  wizard.next();
  await wizard.whenTested();
  await wizard.save();
  return wizard;
}

/** A load's reply: pinned ("Keep loaded") or just in time. */
function loaded(pinned: boolean) {
  return {
    model: 'm',
    instanceId: 'm',
    contextLength: null,
    loadTimeSeconds: 1,
    pinned,
    idleTtlSeconds: pinned ? null : 3600,
  };
}

function fakeBackend(
  overrides: Partial<WizardBackend> = {},
  failing: Record<string, ProviderErrorKind> = {},
) {
  const edits: ConfigEdit[] = [];
  let revision = 0;
  const view = (): ConfigView =>
    sampleView({ exists: revision > 0, revision: revision > 0 ? `r${revision}` : null });
  const backend: WizardBackend = {
    discoveryScan: vi.fn(() => Promise.resolve(sampleReport())),
    discoveryLoadModel: vi.fn(() => Promise.resolve(loaded(true))),
    discoveryWarmUp: vi.fn(() => Promise.resolve(loaded(false))),
    lmstudioDownloadOffer: vi.fn(() => Promise.resolve(null)),
    lmstudioDownload: vi.fn(() => Promise.resolve(1)),
    lmstudioDownloadCancel: vi.fn(() => Promise.resolve(true)),
    configLoad: vi.fn(() => Promise.resolve(view())),
    setupSave: vi.fn((rev: string | null, servers: unknown[], batch: ConfigEdit[]) => {
      expect(rev).toBe(view().revision);
      edits.push(...batch);
      revision += 1;
      const added = servers.map(() => ({
        provider: 'lmstudio',
        models: ['qwen/qwen3-8b', 'google/gemma-3-27b'],
        warnings: [],
      }));
      return Promise.resolve({ view: view(), added });
    }),
    keysSet: vi.fn(() => Promise.resolve()),
    keysDelete: vi.fn(() => Promise.resolve(true)),
    keysTest: vi.fn(() => Promise.resolve({ outcome: 'ok' as const, status: null, message: 'ok' })),
    routeTest: vi.fn((target: RouteTestTarget) => {
      const ref = `${target.provider}/${target.model}`;
      return Promise.resolve(tested(ref, failing[ref], failing[ref] ? 'it failed' : ''));
    }),
    routeTestCancel: vi.fn(() => Promise.resolve(true)),
    ...overrides,
  };
  return { backend, edits };
}

describe('Wizard', () => {
  it('local only: skips the hosted step, writes the profile, the routes and the aliases', async () => {
    const { backend, edits } = fakeBackend();
    const wizard = new Wizard(backend);
    await wizard.scan();
    expect(wizard.chosen).toEqual(['http://127.0.0.1:1234/v1']);
    expect(wizard.steps).toEqual(['find', 'mode', 'routes', 'save']);
    wizard.next();
    expect(wizard.step).toBe('mode');
    wizard.next();
    expect(wizard.step).toBe('routes');
    expect(wizard.routes.map((r) => r.ref)).toEqual(['lmstudio/qwen/qwen3-8b']);
    wizard.addRoute('lmstudio/google/gemma-3-27b');
    wizard.move(1, -1);
    expect(wizard.routes.map((r) => r.ref)).toEqual([
      'lmstudio/google/gemma-3-27b',
      'lmstudio/qwen/qwen3-8b',
    ]);
    wizard.next();
    expect(wizard.step).toBe('save');
    expect(wizard.blocked).toBe('Testing the routes…');
    await wizard.whenTested();
    expect(backend.routeTest).toHaveBeenCalledTimes(2);
    expect(backend.routeTest).toHaveBeenCalledWith(
      {
        provider: 'lmstudio',
        model: 'google/gemma-3-27b',
        api: 'openai-responses',
        baseUrl: 'http://127.0.0.1:1234/v1',
      },
      undefined,
      expect.stringMatching(/^wizard-/),
    );
    expect(wizard.blocked).toBeUndefined();
    // Nothing has been written yet.
    expect(backend.setupSave).not.toHaveBeenCalled();
    await wizard.save();
    expect(wizard.savePhase).toBe('done');
    expect(backend.keysSet).not.toHaveBeenCalled();
    // One save: the server's profile and every edit in one write.
    expect(backend.setupSave).toHaveBeenCalledTimes(1);
    expect(vi.mocked(backend.setupSave).mock.calls[0]?.[1]).toEqual([
      expect.objectContaining({ kind: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' }),
    ]);
    expect(edits).toEqual([
      {
        op: 'setRoutes',
        primary: 'lmstudio/google/gemma-3-27b',
        fallbacks: ['lmstudio/qwen/qwen3-8b'],
      },
      { op: 'setAlias', ref: 'lmstudio/google/gemma-3-27b', alias: 'Gemma 3 27B' },
      { op: 'setAlias', ref: 'lmstudio/qwen/qwen3-8b', alias: 'Qwen3 8B' },
    ]);
    expect(wizard.saved?.path).toBe(sampleView().path);
  });

  it('hybrid: hosted primary, local fallback, key stored once and dropped', async () => {
    const { backend, edits } = fakeBackend();
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.mode = 'hybrid';
    wizard.next();
    expect(wizard.step).toBe('hosted');
    wizard.choosePreset('openrouter');
    wizard.key = 'sk-or-test-key-1234';
    await wizard.testKey();
    expect(backend.keysTest).toHaveBeenCalledWith('openrouter', 'sk-or-test-key-1234', {
      baseUrl: 'https://openrouter.ai/api/v1',
      api: 'openai-completions',
    });
    expect(wizard.testResult?.outcome).toBe('ok');
    wizard.next();
    expect(wizard.routes.map((r) => r.ref)).toEqual([
      'openrouter/minimax/minimax-m2.1',
      'lmstudio/qwen/qwen3-8b',
    ]);
    wizard.next();
    await wizard.whenTested();
    // The typed key goes with the hosted route's test only.
    const calls = vi.mocked(backend.routeTest).mock.calls;
    expect(calls.map(([target, key]) => [target.provider, key])).toEqual([
      ['openrouter', 'sk-or-test-key-1234'],
      ['lmstudio', undefined],
    ]);
    await wizard.save();
    expect(backend.keysSet).toHaveBeenCalledWith('openrouter', 'sk-or-test-key-1234');
    expect(wizard.key).toBe('');
    expect(edits.map((e) => e.op)).toEqual(['upsertProvider', 'setRoutes', 'setAlias', 'setAlias']);
    // The provider and its model go in one edit, so a custom provider is never refused.
    expect(edits[0]).toEqual({
      op: 'upsertProvider',
      provider: {
        id: 'openrouter',
        baseUrl: 'https://openrouter.ai/api/v1',
        api: 'openai-completions',
        models: [{ id: 'minimax/minimax-m2.1', name: 'MiniMax M2.1', contextWindow: 196608 }],
      },
    });
    // The key went in after the config edit succeeded.
    const keyAt = vi.mocked(backend.keysSet).mock.invocationCallOrder[0] ?? 0;
    const editAt = vi.mocked(backend.setupSave).mock.invocationCallOrder[0] ?? Infinity;
    expect(keyAt).toBeGreaterThan(editAt);
  });

  it('a refused provider edit writes no key at all', async () => {
    const { backend } = fakeBackend();
    vi.mocked(backend.setupSave).mockRejectedValue(
      new IpcError('invalid_input', 'models.providers.custom.models: must declare models'),
    );
    const wizard = await savedHybrid(backend);
    expect(wizard.savePhase).toBe('error');
    expect(backend.keysSet).not.toHaveBeenCalled();
    expect(backend.keysDelete).not.toHaveBeenCalled();
  });

  it('saves only the routes that answered, in order, with their servers and aliases', async () => {
    const { backend, edits } = fakeBackend({}, { 'lmstudio/google/gemma-3-27b': 'server' });
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.next();
    wizard.addRoute('lmstudio/google/gemma-3-27b');
    wizard.move(1, -1);
    wizard.next();
    await wizard.whenTested();
    expect(wizard.tests.failed('lmstudio/google/gemma-3-27b')).toBe(true);
    expect(wizard.tests.answered('lmstudio/qwen/qwen3-8b')).toBe(true);
    expect(wizard.plan.routes.map((r) => r.ref)).toEqual(['lmstudio/qwen/qwen3-8b']);
    expect(wizard.plan.dropped.map((r) => r.ref)).toEqual(['lmstudio/google/gemma-3-27b']);
    expect(wizard.plan.servers.map((s) => s.kind)).toEqual(['lmstudio']);
    await wizard.save();
    expect(edits).toEqual([
      { op: 'setRoutes', primary: 'lmstudio/qwen/qwen3-8b', fallbacks: [] },
      { op: 'setAlias', ref: 'lmstudio/qwen/qwen3-8b', alias: 'Qwen3 8B' },
    ]);
    expect(wizard.saved?.dropped).toEqual(['lmstudio/google/gemma-3-27b']);
    expect(wizard.saved?.written).toContain('Routes: lmstudio/qwen/qwen3-8b');
  });

  it('a failed route kept on purpose is saved with the others; one not kept is dropped', async () => {
    const { backend, edits } = fakeBackend(
      {},
      { 'lmstudio/google/gemma-3-27b': 'rate_limit', 'lmstudio/qwen/qwen3-8b': 'server' },
    );
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.next();
    wizard.addRoute('lmstudio/google/gemma-3-27b');
    wizard.next();
    await wizard.whenTested();
    expect(wizard.blocked).toMatch(/No route answered/);
    wizard.tests.keep('lmstudio/google/gemma-3-27b', true);
    expect(wizard.tests.kept('lmstudio/google/gemma-3-27b')).toBe(true);
    expect(wizard.blocked).toBeUndefined();
    expect(wizard.plan.routes.map((r) => r.ref)).toEqual(['lmstudio/google/gemma-3-27b']);
    expect(wizard.plan.kept.map((r) => r.ref)).toEqual(['lmstudio/google/gemma-3-27b']);
    expect(wizard.plan.dropped.map((r) => r.ref)).toEqual(['lmstudio/qwen/qwen3-8b']);
    expect(wizard.plan.servers.map((s) => s.kind)).toEqual(['lmstudio']);
    // Changing one's mind drops it again.
    wizard.tests.keep('lmstudio/google/gemma-3-27b', false);
    expect(wizard.plan.routes).toEqual([]);
    wizard.tests.keep('lmstudio/google/gemma-3-27b', true);
    await wizard.save();
    expect(wizard.savePhase).toBe('done');
    expect(edits[0]).toEqual({
      op: 'setRoutes',
      primary: 'lmstudio/google/gemma-3-27b',
      fallbacks: [],
    });
    expect(wizard.saved?.kept).toEqual(['lmstudio/google/gemma-3-27b']);
    expect(wizard.saved?.dropped).toEqual(['lmstudio/qwen/qwen3-8b']);
  });

  it('a route that answered cannot be marked kept, and Test again forgets what was kept', async () => {
    const { backend } = fakeBackend({}, { 'lmstudio/qwen/qwen3-8b': 'rate_limit' });
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.next();
    wizard.next();
    await wizard.whenTested();
    wizard.tests.keep('lmstudio/qwen/qwen3-8b', true);
    expect(wizard.plan.kept.map((r) => r.ref)).toEqual(['lmstudio/qwen/qwen3-8b']);
    backend.routeTest = vi.fn((target: RouteTestTarget) =>
      Promise.resolve(tested(`${target.provider}/${target.model}`)),
    );
    await wizard.testRoutes();
    expect(wizard.tests.kept('lmstudio/qwen/qwen3-8b')).toBe(false);
    expect(wizard.plan.kept).toEqual([]);
    expect(wizard.plan.routes.map((r) => r.ref)).toEqual(['lmstudio/qwen/qwen3-8b']);
  });

  it('a hosted route that fails writes neither its provider nor its key', async () => {
    const { backend, edits } = fakeBackend({}, { 'anthropic/claude-sonnet-4-5': 'auth' });
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.mode = 'hybrid';
    wizard.next();
    wizard.key = 'sk-ant-wrong-key-0000';
    wizard.next();
    wizard.next();
    await wizard.whenTested();
    expect(wizard.plan.hosted).toBe(false);
    await wizard.save();
    expect(backend.keysSet).not.toHaveBeenCalled();
    expect(edits.map((e) => e.op)).toEqual(['setRoutes', 'setAlias']);
    expect(edits[0]).toEqual({ op: 'setRoutes', primary: 'lmstudio/qwen/qwen3-8b', fallbacks: [] });
  });

  it('with no route answering, Save is blocked with the reason and writes nothing', async () => {
    const { backend } = fakeBackend({}, { 'lmstudio/qwen/qwen3-8b': 'connection' });
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.next();
    wizard.next();
    await wizard.whenTested();
    expect(wizard.blocked).toMatch(/No route answered/);
    await wizard.save();
    expect(wizard.savePhase).toBe('idle');
    expect(backend.setupSave).not.toHaveBeenCalled();
    // "Test again" after the server came up.
    backend.routeTest = vi.fn((target: RouteTestTarget) =>
      Promise.resolve(tested(`${target.provider}/${target.model}`)),
    );
    await wizard.testRoutes();
    expect(wizard.blocked).toBeUndefined();
  });

  it('Back abandons running tests: they are cancelled and late answers ignored', async () => {
    let answer: (r: RouteTestResult) => void = () => undefined;
    const { backend } = fakeBackend({
      routeTest: vi.fn(
        () =>
          new Promise<RouteTestResult>((resolve) => {
            answer = resolve;
          }),
      ),
    });
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.next();
    wizard.next();
    expect(wizard.tests.busy).toBe(true);
    const group = vi.mocked(backend.routeTest).mock.calls[0]?.[2];
    wizard.back();
    expect(wizard.step).toBe('routes');
    expect(backend.routeTestCancel).toHaveBeenCalledWith(group);
    answer(tested('lmstudio/qwen/qwen3-8b'));
    await wizard.whenTested();
    expect(wizard.tests.states).toEqual({});
    expect(wizard.tests.busy).toBe(false);
  });

  it('cancel (reset) forgets the key and writes nothing', async () => {
    const { backend } = fakeBackend();
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    wizard.mode = 'local-first';
    wizard.next();
    wizard.key = 'sk-secret-never-saved';
    wizard.reset();
    expect(wizard.key).toBe('');
    expect(wizard.step).toBe('find');
    expect(backend.keysSet).not.toHaveBeenCalled();
    expect(backend.setupSave).not.toHaveBeenCalled();
  });

  it('blocks local setups without local models and validates the hosted fields', async () => {
    const { backend } = fakeBackend({
      discoveryScan: vi.fn(() => Promise.resolve(sampleReport([], false))),
    });
    const wizard = new Wizard(backend);
    await wizard.scan();
    wizard.next();
    expect(wizard.blocked).toMatch(/needs a local model/);
    wizard.next();
    expect(wizard.step).toBe('mode');
    wizard.mode = 'hybrid';
    wizard.next();
    wizard.choosePreset('custom');
    expect(wizard.hostedErrors.baseUrl).toBeDefined();
    expect(wizard.hostedErrors.modelId).toBeDefined();
    wizard.baseUrl = 'https://gw.example.com/v1';
    wizard.modelId = 'big';
    wizard.providerId = 'bad id';
    expect(wizard.hostedErrors.providerId).toBeDefined();
    wizard.providerId = 'gw';
    expect(wizard.blocked).toBeUndefined();
  });

  it('Load is just in time, Keep loaded pins; both scan again and a failure shows on the card', async () => {
    const { backend } = fakeBackend();
    const wizard = new Wizard(backend);
    await wizard.scan();
    const lmstudio = wizard.lmstudio;
    if (!lmstudio) throw new Error('no LM Studio');
    await wizard.loadModel(lmstudio, 'google/gemma-3-27b');
    expect(backend.discoveryWarmUp).toHaveBeenCalledWith(
      'http://127.0.0.1:1234/v1',
      'google/gemma-3-27b',
      'openai-responses',
      32768,
    );
    expect(backend.discoveryLoadModel).not.toHaveBeenCalled();
    expect(backend.discoveryScan).toHaveBeenCalledTimes(2);
    await wizard.keepLoaded(lmstudio, 'google/gemma-3-27b');
    expect(backend.discoveryLoadModel).toHaveBeenCalledWith(
      'http://127.0.0.1:1234/v1',
      'google/gemma-3-27b',
      32768,
    );
    backend.discoveryWarmUp = vi.fn(() =>
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- IPC shape
      Promise.reject({ kind: 'server', message: 'out of memory' }),
    );
    await wizard.loadModel(lmstudio, 'google/gemma-3-27b');
    expect(wizard.loadErrors['google/gemma-3-27b']).toBe('out of memory');
    expect(wizard.loading['google/gemma-3-27b']).toBe('error');
  });
});

describe('presets', () => {
  it('names detected servers like the core does and formats token counts', () => {
    expect(providerIdOf({ kind: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1' })).toBe('ollama');
    expect(providerIdOf({ kind: 'openai-compatible', baseUrl: 'http://10.0.0.2:8001/v1' })).toBe(
      'local-8001',
    );
    expect(formatTokens(32768)).toBe('33K');
    expect(formatTokens(1_000_000)).toBe('1M');
    expect(formatTokens(null)).toBe('unknown');
  });
});
