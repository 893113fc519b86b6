import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import MessageItem from './MessageItem.svelte';
import type { ViewMessage } from './chat.svelte';
import { providersAction, routeSummary, type ViewAttempt } from './route';

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
    images: [],
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
    timing: null,
    streaming: false,
    route: [limited, answered],
    retryNext: false,
    trail: null,
    warning: null,
    versionIds: [],
    ...over,
  };
}

function renderItem(message: ViewMessage, busy = false, loadingModel: string | null = null) {
  const onretrynext = vi.fn();
  const onloadmodel = vi.fn();
  render(MessageItem, {
    message,
    busy,
    onretry: vi.fn(),
    onretrynext,
    onedit: vi.fn(),
    onproviders: vi.fn(),
    onloadmodel,
    loadingModel,
    onversion: vi.fn(),
  });
  return { onretrynext, onloadmodel };
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

describe('load the model', () => {
  const notLoaded = (over: Partial<ViewMessage> = {}) =>
    answer({
      status: 'failed',
      content: '',
      model: 'lmstudio/qwen3-8b',
      error:
        "lmstudio/qwen3-8b: model not loaded (HTTP 400): No models loaded. Please load a model in the developer page or use the 'lms load' command.",
      errorKind: 'model_not_loaded',
      route: [],
      ...over,
    });

  it('offers "Load the model" when LM Studio says no model is loaded', async () => {
    const failed = notLoaded();
    const { onloadmodel } = renderItem(failed);
    await userEvent.click(screen.getByTestId('message-load-model'));
    expect(onloadmodel).toHaveBeenCalledWith(failed);
  });

  it('shows the load in progress, and nothing for other errors', () => {
    renderItem(notLoaded(), false, 'lmstudio/qwen3-8b');
    expect(screen.getByTestId('message-load-model')).toBeDisabled();
    expect(screen.getByTestId('message-load-model')).toHaveTextContent('Loading the model…');
  });

  it('is not offered for other failures', () => {
    renderItem(notLoaded({ error: 'rate limit reached', errorKind: 'rate_limit' }));
    expect(screen.queryByTestId('message-load-model')).toBeNull();
  });

  it('goes by the kind, not the message text', () => {
    // The words alone offer nothing; the kind alone is enough.
    renderItem(notLoaded({ errorKind: 'bad_request' }));
    expect(screen.queryByTestId('message-load-model')).toBeNull();
    render(MessageItem, {
      message: notLoaded({ error: 'HTTP 400', errorKind: 'model_not_loaded' }),
      busy: false,
      onretry: vi.fn(),
      onretrynext: vi.fn(),
      onedit: vi.fn(),
      onproviders: vi.fn(),
      onloadmodel: vi.fn(),
      loadingModel: null,
      onversion: vi.fn(),
    });
    expect(screen.getByTestId('message-load-model')).toBeInTheDocument();
  });
});

describe('providers action', () => {
  it('picks the button from the error kind only', () => {
    expect(providersAction('auth')).toBe('Set a key in Providers');
    expect(providersAction('billing')).toBe('Set a key in Providers');
    expect(providersAction('connection')).toBe('Open Providers');
    expect(providersAction('config')).toBe('Open Providers');
    expect(providersAction('rate_limit')).toBeNull();
    expect(providersAction(null)).toBeNull();
  });

  it('is shown for a failed answer, whatever its text says about keys', () => {
    const failed = answer({ status: 'failed', error: 'the key is fine', errorKind: 'server' });
    renderItem(failed);
    expect(screen.queryByText('Set a key in Providers')).toBeNull();
    renderItem(answer({ key: 'm2', status: 'failed', error: 'nope', errorKind: 'forbidden' }));
    expect(screen.getByText('Set a key in Providers')).toBeInTheDocument();
  });
});

const local = {
  host: '127.0.0.1:1234',
  place: 'this_machine',
  leftMachine: false,
  keySent: false,
} as const;
const hosted = {
  host: 'api.anthropic.com',
  place: 'leaves',
  leftMachine: true,
  region: 'eu',
  keySent: true,
} as const;

describe('the privacy trail', () => {
  it('says an answer stayed on this machine', () => {
    renderItem(answer({ trail: { leftMachine: false, destinations: [local] } }));
    expect(screen.getByTestId('message-trail-summary').textContent).toContain(
      'Stayed on this machine',
    );
  });

  it('names every host an answer went to, with region and key', () => {
    renderItem(answer({ trail: { leftMachine: true, destinations: [hosted, local] } }));
    expect(screen.getByTestId('message-trail-summary').textContent).toContain(
      'Sent to api.anthropic.com',
    );
    const details = screen.getByTestId('message-trail').textContent ?? '';
    expect(details).toContain('region eu');
    expect(details).toContain('API key sent');
    expect(details).toContain('no key sent');
  });

  it('shows no trail for an answer that was never sent', () => {
    renderItem(answer({ trail: null }));
    expect(screen.queryByTestId('message-trail')).toBeNull();
  });
});
