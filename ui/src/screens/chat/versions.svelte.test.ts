import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ChatEvent, ChatStarted, Message } from '../../lib/ipc';
import { IpcError } from '../../lib/ipc';
import MessageItem from './MessageItem.svelte';
import { ChatStore, versionOf, type ViewMessage } from './chat.svelte';

/** A saved message of conversation 3. */
function saved(id: number, over: Partial<Message> = {}): Message {
  return {
    id,
    conversationId: 3,
    role: 'assistant',
    content: `version ${id}`,
    reasoning: '',
    model: `lm/m${id}`,
    route: [],
    usage: { input: 1, output: id, cacheRead: 0, cacheWrite: 0 },
    cost: null,
    timing: { firstTokenMs: 10 * id, durationMs: 100, tokensPerSecond: id },
    status: 'complete',
    error: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    answerTo: 1,
    selected: true,
    versionIds: [11, 12, 13],
    ...over,
  };
}

const QUESTION = saved(1, {
  role: 'user',
  content: 'question',
  model: null,
  usage: null,
  timing: null,
  answerTo: null,
  versionIds: [],
});

/** A store with conversation 3 open: the question, and version 12 of its answer shown. */
async function opened() {
  let emit: (e: ChatEvent) => void = () => {};
  const started = (onEvent: (e: ChatEvent) => void) => {
    emit = onEvent;
    return Promise.resolve<ChatStarted>({ requestId: 9, conversationId: 3 });
  };
  const api = {
    historyList: vi.fn().mockResolvedValue([]),
    historyLoad: vi.fn().mockResolvedValue({
      conversation: { id: 3, systemPrompt: null, parameters: {} },
      messages: [QUESTION, saved(12)],
      hasMore: false,
    }),
    historySearch: vi.fn(),
    historyRename: vi.fn(),
    historyDelete: vi.fn(),
    historySelectVersion: vi.fn((id: number) => Promise.resolve(saved(id))),
    historyImage: vi.fn(),
    chatModels: vi.fn().mockResolvedValue({ models: [], primary: 'fast' }),
    chatSend: vi.fn(),
    chatSetPrivate: vi.fn(),
    chatRetryNext: vi.fn((_c: number, _m: number, onEvent: (e: ChatEvent) => void) =>
      started(onEvent),
    ),
    chatRegenerate: vi.fn(
      (_c: number, _m: number, _model: string | null, onEvent: (e: ChatEvent) => void) =>
        started(onEvent),
    ),
    chatCancel: vi.fn(),
    discoveryLoadRouteModel: vi.fn(),
    historyExportFile: vi.fn(),
  };
  const store = new ChatStore(api, () => 1);
  await store.init();
  await store.open(3);
  return { api, store, emit: (e: ChatEvent) => emit(e) };
}

describe('versions of an answer', () => {
  it('steps to the version before or after, saved, in the same place', async () => {
    const { api, store } = await opened();
    const shown = store.messages[1]!;
    expect(versionOf(shown)).toEqual({ index: 2, count: 3 });
    await store.showVersion(shown, -1);
    expect(api.historySelectVersion).toHaveBeenCalledWith(11);
    const first = store.messages[1]!;
    expect(first.key).toBe(shown.key);
    expect(first.content).toBe('version 11');
    // The speed and tokens are the shown version's.
    expect(first.timing?.tokensPerSecond).toBe(11);
    expect(first.usage?.output).toBe(11);
    expect(versionOf(first)).toEqual({ index: 1, count: 3 });
    // Nothing before the first.
    await store.showVersion(first, -1);
    expect(api.historySelectVersion).toHaveBeenCalledTimes(1);
  });

  it('"Retry" streams the newest version into the place, counted from the start', async () => {
    const { api, store, emit } = await opened();
    expect(await store.retry(store.messages[1]!)).toBe(true);
    expect(api.chatRegenerate.mock.calls[0]?.slice(0, 3)).toEqual([3, 12, null]);
    expect(store.messages).toHaveLength(2);
    const streaming = store.messages[1]!;
    expect(streaming.streaming).toBe(true);
    expect(versionOf(streaming)).toEqual({ index: 4, count: 4 });
    emit({ type: 'started', conversationId: 3, messageId: 14, model: 'lm/m14' });
    expect(versionOf(store.messages[1]!)).toEqual({ index: 4, count: 4 });
    // While it streams, the versions stay as they are.
    await store.showVersion(store.messages[1]!, -1);
    expect(api.historySelectVersion).not.toHaveBeenCalled();
  });

  it('puts the shown version back when asking again cannot start', async () => {
    const { api, store } = await opened();
    api.chatRetryNext.mockRejectedValueOnce(new IpcError('no_route', 'no other route'));
    const before = store.messages[1]!;
    expect(await store.retryNext(before)).toBe(false);
    expect(store.messages[1]?.content).toBe('version 12');
    expect(versionOf(store.messages[1]!)).toEqual({ index: 2, count: 3 });
    expect(store.error?.message).toBe('no other route');
    expect(store.busy).toBe(false);
  });

  it('a search hit in another version opens that version', async () => {
    const { api, store } = await opened();
    await store.openHit({
      conversationId: 3,
      conversationTitle: 't',
      messageId: 13,
      role: 'assistant',
      model: null,
      createdAt: '2026-01-01T00:00:00Z',
      snippet: [],
    });
    expect(api.historySelectVersion).toHaveBeenCalledWith(13);
    expect(store.messages[1]?.content).toBe('version 13');
  });
});

describe('the version buttons', () => {
  function answer(index: number, count = 3): ViewMessage {
    const ids = Array.from({ length: count }, (_, i) => 11 + i);
    return {
      key: 'm11',
      id: ids[index - 1] ?? null,
      role: 'assistant',
      content: 'Hello',
      reasoning: '',
      model: 'lm/m',
      status: 'complete',
      error: null,
      errorKind: null,
      usage: null,
      cost: null,
      timing: null,
      streaming: false,
      route: [],
      retryNext: false,
      trail: null,
      warning: null,
      versionIds: ids,
      images: [],
    };
  }

  function renderItem(message: ViewMessage, busy = false) {
    const onversion = vi.fn();
    render(MessageItem, {
      message,
      busy,
      onretry: vi.fn(),
      onretrynext: vi.fn(),
      onedit: vi.fn(),
      onproviders: vi.fn(),
      onloadmodel: vi.fn(),
      loadingModel: null,
      onversion,
    });
    return onversion;
  }

  it('shows ‹ 2/3 › with labelled buttons that step', async () => {
    const onversion = renderItem(answer(2));
    expect(screen.getByTestId('message-version')).toHaveTextContent('2/3');
    expect(screen.getByRole('group', { name: /Versions of this answer/ })).toBeInTheDocument();
    expect(screen.getByText('Version 2 of 3')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    expect(onversion).toHaveBeenLastCalledWith(expect.objectContaining({ id: 12 }), -1);
    await userEvent.click(screen.getByRole('button', { name: 'Next version' }));
    expect(onversion).toHaveBeenLastCalledWith(expect.objectContaining({ id: 12 }), 1);
  });

  it('takes Alt+Left and Alt+Right while the focus is in the answer', async () => {
    const onversion = renderItem(answer(3));
    const next = screen.getByRole('button', { name: 'Next version' });
    expect(next).toHaveAttribute('aria-disabled', 'true');
    next.focus();
    await userEvent.keyboard('{Alt>}{ArrowRight}{/Alt}');
    expect(onversion).not.toHaveBeenCalled();
    await userEvent.keyboard('{Alt>}{ArrowLeft}{/Alt}');
    expect(onversion).toHaveBeenCalledWith(expect.objectContaining({ id: 13 }), -1);
    // Without Alt the arrows are left alone.
    await userEvent.keyboard('{ArrowLeft}');
    expect(onversion).toHaveBeenCalledTimes(1);
  });

  it('are not there for an answer with one version, and rest while busy', async () => {
    renderItem(answer(1, 1));
    expect(screen.queryByTestId('message-versions')).toBeNull();
    document.body.innerHTML = '';
    const onversion = renderItem(answer(2), true);
    await userEvent.click(screen.getByRole('button', { name: 'Previous version' }));
    expect(onversion).not.toHaveBeenCalled();
  });
});
