import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import MessageItem from './MessageItem.svelte';
import type { ViewMessage } from './chat.svelte';
import { routeSummary, type ViewAttempt } from './route';

const limited: ViewAttempt = {
  model: 'anthropic/claude-opus-4-6',
  outcome: 'failed',
  reason: 'rate_limit',
  status: 429,
};
const answered: ViewAttempt = {
  model: 'lmstudio/minimax-m2.1-gs32',
  outcome: 'ok',
  reason: null,
  status: null,
};

function answer(over: Partial<ViewMessage> = {}): ViewMessage {
  return {
    key: 'm1',
    id: 1,
    role: 'assistant',
    content: 'Hello',
    reasoning: '',
    model: 'lmstudio/minimax-m2.1-gs32',
    status: 'complete',
    error: null,
    errorKind: null,
    usage: null,
    cost: null,
    streaming: false,
    route: [limited, answered],
    retryNext: false,
    ...over,
  };
}

function renderItem(message: ViewMessage, busy = false) {
  const onretrynext = vi.fn();
  render(MessageItem, {
    message,
    busy,
    onretry: vi.fn(),
    onretrynext,
    onedit: vi.fn(),
    onproviders: vi.fn(),
  });
  return { onretrynext };
}

describe('route badge', () => {
  it('says what failed before the model that answered', () => {
    expect(routeSummary([limited, answered])).toBe(
      'anthropic/claude-opus-4-6: rate-limited → answered by lmstudio/minimax-m2.1-gs32',
    );
    expect(routeSummary([answered])).toBe('answered by lmstudio/minimax-m2.1-gs32');
    expect(routeSummary([])).toBe('');
    expect(
      routeSummary([
        { ...limited, outcome: 'skipped', reason: 'cooldown' },
        answered,
        { ...answered, outcome: 'failed', reason: 'connection' },
      ]),
    ).toBe(
      'anthropic/claude-opus-4-6: cooling down → lmstudio/minimax-m2.1-gs32: broke off mid-answer (unreachable)',
    );
  });

  it('is shown under the answer', () => {
    renderItem(answer());
    expect(screen.getByTestId('message-route').textContent).toContain(
      'anthropic/claude-opus-4-6: rate-limited → answered by lmstudio/minimax-m2.1-gs32',
    );
    expect(screen.queryByTestId('message-retry-next')).toBeNull();
  });

  it('offers "Retry on next route" on an answer that failed after its first token', async () => {
    const failed = answer({
      status: 'failed',
      error: 'lmstudio/minimax-m2.1-gs32 failed mid-answer: reset',
      errorKind: 'connection',
      retryNext: true,
      route: [answered, { ...answered, outcome: 'failed', reason: 'connection' }],
    });
    const { onretrynext } = renderItem(failed);
    await userEvent.click(screen.getByTestId('message-retry-next'));
    expect(onretrynext).toHaveBeenCalledWith(failed);
    expect(screen.getByTestId('message-answer').textContent).toContain('Hello');
  });

  it('hides the retry while another answer streams', () => {
    renderItem(answer({ status: 'failed', retryNext: true }), true);
    expect(screen.queryByTestId('message-retry-next')).toBeNull();
  });
});
