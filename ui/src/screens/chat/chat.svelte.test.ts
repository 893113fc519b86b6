import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent, ChatModels, ChatStarted } from '../../lib/ipc';
import { IpcError } from '../../lib/ipc';
import { ChatStore } from './chat.svelte';

const MODELS: ChatModels = {
  primary: 'fast',
  models: [
    {
      id: 'fast',
      label: 'fast',
      ref: 'lm/qwen',
      alias: 'fast',
      name: 'Qwen',
      local: true,
      contextWindow: 32768,
      reasoning: true,
    },
    {
      id: 'lm/qwen',
      label: 'lm/qwen',
      ref: 'lm/qwen',
      alias: null,
      name: 'Qwen',
      local: true,
      contextWindow: 32768,
      reasoning: true,
    },
  ],
};

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
    chatCancel: vi.fn().mockResolvedValue(true),
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
    expect(store.model).toBe('fast');
    expect(await store.send('  hello  ')).toBe(true);
    expect(api.chatSend.mock.calls[0]?.[0]).toEqual({
      conversationId: null,
      model: 'fast',
      text: 'hello',
    });
    expect(store.currentId).toBe(3);
    expect(store.busy).toBe(true);
    emit({ event: 'started', data: { model: 'lm/qwen', messageId: 11 } });
    emit({ event: 'reasoning', data: { delta: 'hmm' } });
    emit({ event: 'text', data: { delta: 'Hel' } });
    emit({ event: 'text', data: { delta: 'lo' } });
    const answer = store.messages[1];
    expect(answer?.content).toBe('');
    frame();
    expect(answer?.content).toBe('Hello');
    expect(answer?.reasoning).toBe('hmm');
    emit({ event: 'text', data: { delta: '!' } });
    emit({
      event: 'usage',
      data: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, reasoning: null, cost: 0 },
    });
    emit({ event: 'done', data: { stop: 'stop' } });
    expect(answer?.content).toBe('Hello!');
    expect(answer?.status).toBe('complete');
    expect(answer?.id).toBe(11);
    expect(store.busy).toBe(false);
  });

  it('stops with chat_cancel and keeps the partial text marked stopped', async () => {
    const { api, store, emit, frame } = setup();
    await store.init();
    await store.send('hi');
    emit({ event: 'text', data: { delta: 'part' } });
    frame();
    await store.stop();
    expect(api.chatCancel).toHaveBeenCalledWith(7);
    emit({ event: 'done', data: { stop: 'cancelled' } });
    expect(store.messages[1]?.content).toBe('part');
    expect(store.messages[1]?.status).toBe('stopped');
  });

  it('shows stream errors on the answer and retries the same text', async () => {
    const { api, store, emit } = setup();
    await store.init();
    await store.send('hi');
    emit({ event: 'error', data: { kind: 'auth', message: 'key rejected' } });
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
});
