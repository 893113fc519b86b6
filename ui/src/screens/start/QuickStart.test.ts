import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import QuickStart from './QuickStart.svelte';
import type { QuickStarted, ScanReport } from '../../lib/ipc';
import { applyLanguage } from '../../lib/i18n/i18n.svelte';
import { mockBackend, sampleReport } from '../../test/fixtures';

// jsdom has no layout, so no scrollIntoView: record the calls instead.
const scrolled = vi.fn();
beforeEach(() => {
  Element.prototype.scrollIntoView = scrolled;
});
afterEach(() => {
  clearMocks();
  Reflect.deleteProperty(Element.prototype, 'scrollIntoView');
});

function withSuggestion(): ScanReport {
  return {
    ...sampleReport(),
    suggested: {
      kind: 'lmstudio',
      server: 'LM Studio',
      baseUrl: 'http://127.0.0.1:1234/v1',
      modelId: 'minimax/minimax-m2.1',
      modelName: 'MiniMax M2.1',
      contextWindow: 196608,
      loaded: true,
    },
  };
}

describe('QuickStart', () => {
  it('offers the suggested model and starts it with one click', async () => {
    const asked: unknown[] = [];
    mockBackend({
      handlers: {
        quick_start: (args) => {
          asked.push(args);
          return {
            modelRef: 'lmstudio/minimax/minimax-m2.1',
            server: 'LM Studio',
            modelName: 'MiniMax M2.1',
            firstTokenMs: 40,
          } satisfies QuickStarted;
        },
      },
    });
    const onstarted = vi.fn();
    render(QuickStart, { report: withSuggestion(), onstarted });
    const button = screen.getByTestId('quick-start');
    expect(button).toHaveTextContent('Use MiniMax M2.1 on LM Studio');
    expect(screen.getByTestId('quick-start-offer')).toHaveTextContent('197K context · loaded');
    await userEvent.setup().click(button);
    await waitFor(() => expect(onstarted).toHaveBeenCalledOnce());
    expect(asked).toEqual([
      {
        server: { kind: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' },
        model: 'minimax/minimax-m2.1',
      },
    ]);
  });

  function failingStart() {
    mockBackend({
      handlers: {
        quick_start: () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the Rust side's shape
          throw {
            kind: 'server',
            message: 'lmstudio/minimax/minimax-m2.1 did not answer: HTTP 500',
          };
        },
      },
    });
  }

  it('says beside the button why nothing was saved', async () => {
    failingStart();
    const onstarted = vi.fn();
    render(QuickStart, { report: withSuggestion(), onstarted });
    await userEvent.setup().click(screen.getByTestId('quick-start'));
    const error = await screen.findByTestId('quick-start-error');
    // In English, core's own text says it.
    expect(error).toHaveTextContent(
      'Nothing was saved. lmstudio/minimax/minimax-m2.1 did not answer: HTTP 500',
    );
    expect(screen.queryByTestId('error-sentence')).toBeNull();
    expect(screen.getByTestId('quick-start-offer')).toContainElement(error);
    expect(onstarted).not.toHaveBeenCalled();
    expect(scrolled).toHaveBeenCalled();
  });

  it("says it in Korean in a Korean window, with core's English text kept beside it", async () => {
    applyLanguage('ko');
    try {
      failingStart();
      render(QuickStart, { report: withSuggestion(), onstarted: vi.fn() });
      await userEvent.setup().click(screen.getByTestId('quick-start'));
      const error = await screen.findByTestId('quick-start-error');
      expect(error).toHaveTextContent('저장하지 않았습니다. 서버에서 오류가 발생했습니다.');
      const original = error.querySelector('[lang=en]');
      expect(original).toHaveTextContent('lmstudio/minimax/minimax-m2.1 did not answer: HTTP 500');
    } finally {
      applyLanguage('en');
    }
  });

  it('offers nothing when no local server has a model to suggest', async () => {
    const calls = mockBackend({ handlers: { discovery_scan: () => sampleReport() } });
    render(QuickStart, { report: undefined, onstarted: vi.fn() });
    // With no report yet it looks once itself; the fixture's scan suggests nothing.
    await waitFor(() => expect(calls).toContain('discovery_scan'));
    expect(screen.queryByTestId('quick-start')).toBeNull();
  });
});
