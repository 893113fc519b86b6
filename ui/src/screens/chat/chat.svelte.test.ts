import { describe, expect, it, vi } from 'vitest';
import type { ChatDoneEvent, ChatEvent, ChatModels, ChatStarted, Message } from '../../lib/ipc';
import { IpcError } from '../../lib/ipc';
import { ChatStore, needsLoading, versionOf } from './chat.svelte';

const MODELS: ChatModels = {
  primary: 'fast',
  models: [
    {
      id: 'fast',
      label: 'fast',
      ref: 'lm/qwen',
      alias: 'fast',
      name: 'Qwen',
      place: 'this_machine',
      local: true,
      private: true,
      contextWindow: 32768,
      reasoning: true,
      images: false,
      quantization: null,
      loaded: null,
      speed: null,
    },
    {
      id: 'lm/qwen',
      label: 'lm/qwen',
      ref: 'lm/qwen',
      alias: null,
      name: 'Qwen',
      place: 'this_machine',
      local: true,
      private: true,
      contextWindow: 32768,
      reasoning: true,
      images: false,
      quantization: null,
      loaded: null,
      speed: null,
    },
  ],
};

/** The trail of an answer that was never sent. */
const NO_TRAIL = { leftMachine: false, destinations: [] };

/** The `done` event of an answer with no usage reported. */
function done(stop: 'stop' | 'length' | 'cancelled', model = 'lm/qwen'): ChatDoneEvent {
  return {
    type: 'done',
    model,
    stop,
    usage: 'unknown',
    cost: 'unknown',
    timing: { firstTokenMs: null, durationMs: 1, tokensPerSecond: null },
    trail: { leftMachine: false, destinations: [] },
  };
}

function setup() {
  let emit: (e: ChatEvent) => void = () => {};
  let frame: (() => void) | undefined;
  const api = {
    historyList: vi.fn().mockResolvedValue([]),
    historyLoad: vi.fn(),
    historySearch: vi.fn().mockResolvedValue([]),
    historyRename: vi.fn(),
    historyDelete: vi.fn().mockResolvedValue(undefined),
    chatModels: vi.fn().mockResolvedValue(MODELS),
    chatSend: vi.fn((_input: unknown, onEvent: (e: ChatEvent) => void) => {
      emit = onEvent;
      return Promise.resolve<ChatStarted>({ requestId: 7, conversationId: 3 });
    }),
    chatRetryNext: vi.fn((_c: number, _m: number, onEvent: (e: ChatEvent) => void) => {
      emit = onEvent;
      return Promise.resolve<ChatStarted>({ requestId: 8, conversationId: 3 });
    }),
    chatRegenerate: vi.fn(
      (_c: number, _m: number, _model: string | null, onEvent: (e: ChatEvent) => void) => {
        emit = onEvent;
        return Promise.resolve<ChatStarted>({ requestId: 9, conversationId: 3 });
      },
    ),
    historySelectVersion: vi.fn(),
    chatCancel: vi.fn().mockResolvedValue(true),
    chatSetPrivate: vi.fn().mockResolvedValue(undefined),
    historyExportFile: vi.fn().mockResolvedValue({ path: '/home/ada/Downloads/chat.md' }),
    historyImage: vi.fn().mockResolvedValue('data:image/png;base64,AA'),
    discoveryLoadRouteModel: vi.fn().mockResolvedValue({
      model: 'p/m',
      instanceId: 'm',
      contextLength: 4096,
      loadTimeSeconds: 1,
    }),
  };
  const store = new ChatStore(
    api,
    (cb) => {
      frame = cb;
      return 1;
    },
    () => (frame = undefined),
  );
  return {
    api,
    store,
    emit: (e: ChatEvent) => emit(e),
    frame: () => {
      const f = frame;
      frame = undefined;
      f?.();
    },
  };
}

describe('ChatStore', () => {
  it('picks the primary model and streams an answer in frame batches', async () => {
    const { api, store, emit, frame } = setup();
    await store.init();
    // The default route (the primary) is picked; its model drives the badges.
    expect(store.model).toBe('');
    expect(store.selectedModel?.id).toBe('fast');
    expect(await store.send('  hello  ')).toBe(true);
    expect(api.chatSend.mock.calls[0]?.[0]).toEqual({
      conversationId: null,
      model: null,
      text: 'hello',
      private: false,
      system: '',
      parameters: { temperature: null, topP: null, maxTokens: null },
    });
    expect(store.currentId).toBe(3);
    expect(store.busy).toBe(true);
    emit({ type: 'started', conversationId: 3, messageId: 11, model: 'lm/qwen' });
    emit({ type: 'reasoning', delta: 'hmm' });
    emit({ type: 'text', delta: 'Hel' });
    emit({ type: 'text', delta: 'lo' });
    const answer = store.messages[1];
    expect(answer?.content).toBe('');
    frame();
    expect(answer?.content).toBe('Hello');
    expect(answer?.reasoning).toBe('hmm');
    emit({ type: 'text', delta: '!' });
    emit({
      ...done('stop'),
      usage: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
      cost: 0,
      timing: { firstTokenMs: 5, durationMs: 25, tokensPerSecond: 100 },
    });
    expect(answer?.content).toBe('Hello!');
    expect(answer?.status).toBe('complete');
    expect(answer?.id).toBe(11);
    expect(answer?.usage).toEqual({ input: 1, output: 2 });
    expect(answer?.timing?.tokensPerSecond).toBe(100);
    expect(store.busy).toBe(false);
  });

  it('sends a new conversation private and marks a saved one through chat_set_private', async () => {
    const { api, store, emit } = setup();
    await store.init();
    await store.setPrivate(true);
    expect(store.private).toBe(true);
    expect(api.chatSetPrivate).not.toHaveBeenCalled();
    await store.send('secret');
    expect(api.chatSend.mock.calls[0]?.[0]).toMatchObject({ private: true });
    emit({
      ...done('stop'),
      trail: {
        leftMachine: false,
        destinations: [
          { host: '127.0.0.1:1234', place: 'this_machine', leftMachine: false, keySent: false },
        ],
      },
    });
    expect(store.messages[1]?.trail?.leftMachine).toBe(false);
    await store.setPrivate(false);
    expect(api.chatSetPrivate).toHaveBeenCalledWith(3, false);
  });

  it('stops with chat_cancel and keeps the partial text marked stopped', async () => {
    const { api, store, emit, frame } = setup();
    await store.init();
    await store.send('hi');
    emit({ type: 'text', delta: 'part' });
    frame();
    await store.stop();
    expect(api.chatCancel).toHaveBeenCalledWith(7);
    emit(done('cancelled'));
    expect(store.messages[1]?.content).toBe('part');
    expect(store.messages[1]?.status).toBe('stopped');
  });

  it('shows stream errors on the answer and retries the same text', async () => {
    const { api, store, emit } = setup();
    await store.init();
    await store.send('hi');
    emit({
      type: 'error',
      reason: 'auth',
      message: 'key rejected',
      retryNext: null,
      trail: NO_TRAIL,
    });
    const failed = store.messages[1];
    expect(failed?.status).toBe('failed');
    expect(failed?.errorKind).toBe('auth');
    if (failed) await store.retry(failed);
    expect(api.chatSend).toHaveBeenCalledTimes(2);
    expect(api.chatSend.mock.calls[1]?.[0]).toMatchObject({ conversationId: 3, text: 'hi' });
  });

  it('marks the answer failed when chat_send rejects', async () => {
    const { api, store } = setup();
    await store.init();
    api.chatSend.mockRejectedValueOnce(new IpcError('not_ready', 'history opening'));
    expect(await store.send('hi')).toBe(false);
    expect(store.messages[1]?.status).toBe('failed');
    expect(store.busy).toBe(false);
  });

  it('sends a picked model by its id', async () => {
    const { api, store } = setup();
    await store.init();
    store.model = 'lm/qwen';
    await store.send('hi');
    expect(api.chatSend.mock.calls[0]?.[0]).toMatchObject({ model: 'lm/qwen' });
  });

  it('keeps the route of each attempt and the model that answered', async () => {
    const { store, emit } = setup();
    await store.init();
    await store.send('hi');
    emit({ type: 'started', conversationId: 3, messageId: 11, model: 'anthropic/opus' });
    emit({
      type: 'route',
      attempt: 1,
      model: 'anthropic/opus',
      outcome: 'failed',
      reason: 'rate_limit',
      status: 429,
      elapsedMs: 3,
    });
    emit({ type: 'route', attempt: 2, model: 'lm/qwen', outcome: 'ok', elapsedMs: 5 });
    emit(done('stop'));
    const answer = store.messages[1];
    expect(answer?.model).toBe('lm/qwen');
    expect(answer?.route.map((a) => [a.model, a.outcome, a.reason])).toEqual([
      ['anthropic/opus', 'failed', 'rate_limit'],
      ['lm/qwen', 'ok', null],
    ]);
  });

  it('retries a mid-answer failure on the next route as a new version in its place', async () => {
    const { api, store, emit, frame } = setup();
    await store.init();
    await store.send('hi');
    emit({ type: 'started', conversationId: 3, messageId: 11, model: 'lm/qwen' });
    emit({ type: 'text', delta: 'half an' });
    frame();
    emit({
      type: 'error',
      reason: 'connection',
      message: 'reset',
      retryNext: 'lm/other',
      trail: NO_TRAIL,
    });
    const failed = store.messages[1];
    expect(failed?.status).toBe('failed');
    expect(failed?.content).toBe('half an');
    expect(failed?.retryNext).toBe(true);
    if (failed) expect(await store.retryNext(failed)).toBe(true);
    expect(api.chatRetryNext.mock.calls[0]?.slice(0, 2)).toEqual([3, 11]);
    // The new version takes the answer's place, the newest of two from the start.
    expect(store.messages).toHaveLength(2);
    const version = store.messages[1]!;
    expect(version.key).toBe(failed?.key);
    expect(versionOf(version)).toEqual({ index: 2, count: 2 });
    emit({ type: 'started', conversationId: 3, messageId: 12, model: 'lm/other' });
    emit({ type: 'text', delta: 'whole answer' });
    emit(done('stop'));
    expect(store.messages[1]?.content).toBe('whole answer');
    expect(store.messages[1]?.status).toBe('complete');
    expect(store.messages[1]?.versionIds).toEqual([11, 12]);
    expect(versionOf(store.messages[1]!)).toEqual({ index: 2, count: 2 });
  });
});

describe('load the model', () => {
  it("loads the failed answer's model, then asks the question again", async () => {
    const { api, store, emit, frame } = setup();
    await store.init();
    await store.send('Hi');
    emit({ type: 'started', conversationId: 3, messageId: 2, model: 'p/m' });
    emit({
      type: 'error',
      reason: 'model_not_loaded',
      message: 'model not loaded (HTTP 400): No models loaded. Please load a model.',
      retryNext: null,
      trail: NO_TRAIL,
    });
    frame();
    const failed = store.messages[store.messages.length - 1]!;
    expect(failed.status).toBe('failed');
    expect(needsLoading(failed)).toBe(true);
    const retried = store.loadModelAndRetry(failed);
    expect(store.loadingModel).toBe('p/m');
    expect(await retried).toBe(true);
    expect(api.discoveryLoadRouteModel).toHaveBeenCalledWith('p/m');
    // Asked again as a version of the saved answer, of the picked route.
    expect(api.chatRegenerate.mock.calls[0]?.slice(0, 3)).toEqual([3, 2, null]);
    expect(api.chatSend).toHaveBeenCalledTimes(1);
    expect(store.loadingModel).toBeNull();
  });

  it('offers it for a saved answer whose last attempt failed as model_not_loaded', async () => {
    const { api, store } = setup();
    const saved = (id: number, reason: 'model_not_loaded' | 'bad_request'): Message => ({
      id,
      conversationId: 3,
      role: 'assistant',
      content: '',
      reasoning: '',
      model: 'lm/qwen',
      route: [{ attempt: 1, model: 'lm/qwen', outcome: 'failed', reason, elapsedMs: 4 }],
      usage: null,
      cost: null,
      timing: null,
      status: 'failed',
      // The same words either way: only the reason decides.
      error: 'No models loaded. Please load a model.',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      answerTo: null,
      selected: true,
      versionIds: [],
    });
    api.historyLoad.mockResolvedValueOnce({
      conversation: { id: 3 },
      messages: [saved(1, 'model_not_loaded'), saved(2, 'bad_request')],
      hasMore: false,
    });
    await store.init();
    await store.open(3);
    expect(store.messages.map((m) => m.errorKind)).toEqual(['model_not_loaded', 'bad_request']);
    expect(store.messages.map(needsLoading)).toEqual([true, false]);
  });

  it('shows why a load failed and does not ask again', async () => {
    const { api, store, emit, frame } = setup();
    await store.init();
    await store.send('Hi');
    emit({ type: 'started', conversationId: 3, messageId: 2, model: 'p/m' });
    emit({
      type: 'error',
      reason: 'model_not_loaded',
      message: 'not loaded',
      retryNext: null,
      trail: NO_TRAIL,
    });
    frame();
    api.discoveryLoadRouteModel.mockRejectedValueOnce({
      kind: 'unreachable',
      message: 'LM Studio is gone',
    });
    const failed = store.messages[store.messages.length - 1]!;
    expect(await store.loadModelAndRetry(failed)).toBe(false);
    expect(store.error?.message).toBe('LM Studio is gone');
    expect(api.chatSend).toHaveBeenCalledTimes(1);
  });

  it('starts a new chat with the default system prompt and sends it with the parameters', async () => {
    const { api, store } = setup();
    await store.init();
    store.setDefaultSystem('Be brief.');
    expect(store.system).toBe('Be brief.');
    store.parameters = { temperature: 0.2, topP: null, maxTokens: 64 };
    await store.send('hi');
    expect(api.chatSend.mock.calls[0]?.[0]).toMatchObject({
      system: 'Be brief.',
      parameters: { temperature: 0.2, topP: null, maxTokens: 64 },
    });
    // A prompt changed by hand is not replaced by a new default.
    store.system = 'Be kind.';
    store.setDefaultSystem('Be terse.');
    expect(store.system).toBe('Be kind.');
  });

  it('opens a conversation with its own prompt and parameters, the prompt out of the thread', async () => {
    const { api, store } = setup();
    await store.init();
    store.setDefaultSystem('Default.');
    const message = (id: number, role: 'system' | 'user', content: string) => ({
      id,
      conversationId: 3,
      role,
      content,
      reasoning: '',
      model: null,
      route: [],
      usage: null,
      cost: null,
      timing: null,
      status: 'complete',
      error: null,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      answerTo: null,
      selected: true,
      versionIds: [],
    });
    api.historyLoad.mockResolvedValueOnce({
      conversation: {
        id: 3,
        systemPrompt: 'Answer in Korean.',
        parameters: { temperature: 0.7, topP: 0.9, maxTokens: null },
      },
      messages: [message(1, 'system', 'Answer in Korean.'), message(2, 'user', 'hi')],
      hasMore: false,
    });
    await store.open(3);
    expect(store.messages.map((m) => m.role)).toEqual(['user']);
    expect(store.system).toBe('Answer in Korean.');
    expect(store.parameters).toEqual({ temperature: 0.7, topP: 0.9, maxTokens: null });
    store.newChat();
    expect(store.system).toBe('Default.');
    expect(store.parameters).toEqual({ temperature: null, topP: null, maxTokens: null });
  });

  it('exports through the core and shows where the file went', async () => {
    const { api, store } = setup();
    await store.exportConversation(3, 'json');
    expect(api.historyExportFile).toHaveBeenCalledWith(3, 'json');
    expect(store.exported).toBe('/home/ada/Downloads/chat.md');
    api.historyExportFile.mockRejectedValueOnce({ kind: 'io', message: 'disk full' });
    await store.exportConversation(3, 'markdown');
    expect(store.error?.message).toBe('disk full');
  });
});
