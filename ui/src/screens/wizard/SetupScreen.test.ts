import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../App.svelte';
import { mockBackend, resetLocation, sampleReport, sampleView } from '../../test/fixtures';

afterEach(() => {
  clearMocks();
});

describe('SetupScreen', () => {
  it('explains how to start LM Studio and retries on the port given', async () => {
    resetLocation('#/setup');
    const scans: unknown[] = [];
    mockBackend({
      handlers: {
        discovery_scan: (args) => {
          scans.push(args.request);
          return sampleReport([], scans.length > 1);
        },
      },
    });
    const user = userEvent.setup();
    render(App);
    const help = await screen.findByTestId('lmstudio-missing');
    expect(help).toHaveTextContent(/not found on port 1234/);
    expect(help).toHaveTextContent(/lms server start/);
    await user.type(within(help).getByLabelText('LM Studio port'), '4321');
    await user.click(screen.getByTestId('scan-retry'));
    await waitFor(() => expect(screen.queryByTestId('lmstudio-missing')).not.toBeInTheDocument());
    expect(scans).toEqual([{ lmstudioPort: null }, { lmstudioPort: 4321 }]);
  });

  it('shows model cards and walks the steps with Back and Next; Cancel writes nothing', async () => {
    resetLocation('#/setup');
    const calls = mockBackend({
      handlers: { discovery_scan: () => sampleReport(), config_load: () => sampleView() },
    });
    const user = userEvent.setup();
    render(App);
    const gemma = await screen.findByTestId('model-google/gemma-3-27b');
    expect(gemma).toHaveTextContent('Not loaded');
    // Decimal K, as LM Studio shows it: 131072 tokens is 131K.
    expect(gemma).toHaveTextContent('131K context');
    expect(gemma).toHaveTextContent(/first answer waits/);
    expect(screen.getByTestId('model-qwen/qwen3-8b')).toHaveTextContent('33K context (max 131K)');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByTestId('wizard-step-mode')).toBeInTheDocument();
    // The new step's heading takes focus (the button pressed may be replaced or disabled).
    await waitFor(() => expect(screen.getByTestId('wizard-step-title')).toHaveFocus());
    expect(screen.getByTestId('wizard-step-title')).toHaveTextContent('Choose a setup');
    await user.click(screen.getByTestId('setup-mode-local-first'));
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByTestId('wizard-step-hosted')).toBeInTheDocument();
    await user.type(screen.getByTestId('hosted-key'), 'sk-ant-typed-but-cancelled');
    expect(screen.getByTestId('hosted-key')).toHaveAttribute('type', 'password');
    await user.click(screen.getByTestId('wizard-back'));
    expect(screen.getByTestId('wizard-step-mode')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId('wizard-step-title')).toHaveFocus());
    await user.click(screen.getByTestId('wizard-cancel'));
    expect(screen.getByTestId('screen-chat')).toBeInTheDocument();
    const writes = calls.filter((c) =>
      ['discovery_add_profiles', 'config_apply', 'setup_save', 'keys_set'].includes(c),
    );
    expect(writes).toEqual([]);
  });

  it('tests each route, shows what answered, saves only that and opens the chat by keyboard', async () => {
    resetLocation('#/setup');
    let revision = 0;
    const edits: unknown[] = [];
    const view = () =>
      sampleView({ exists: revision > 0, revision: revision > 0 ? `r${revision}` : null });
    const calls = mockBackend({
      handlers: {
        discovery_scan: () => sampleReport(),
        route_test: (args) => {
          const target = args.target as { provider: string; model: string };
          const ref = `${target.provider}/${target.model}`;
          const crashed = target.model === 'google/gemma-3-27b';
          return {
            ref,
            ok: !crashed,
            kind: crashed ? 'server' : null,
            status: crashed ? 500 : null,
            message: crashed ? 'Model crashed' : '',
            firstTokenMs: crashed ? null : 420,
            elapsedMs: 500,
            preview: crashed ? '' : 'OK.',
            reasoned: false,
            usage: null,
          };
        },
        route_test_cancel: () => false,
        config_load: () => view(),
        // One write for the whole save: the server's profile and every edit.
        setup_save: (args) => {
          edits.push(...(args.edits as unknown[]));
          revision += 1;
          return {
            view: view(),
            added: [{ provider: 'lmstudio', models: ['qwen/qwen3-8b'], warnings: [] }],
          };
        },
        history_list: () => [],
        chat_models: () => ({
          models: [
            {
              id: 'lmstudio/qwen/qwen3-8b',
              label: 'lmstudio/qwen/qwen3-8b',
              ref: 'lmstudio/qwen/qwen3-8b',
              alias: null,
              name: 'Qwen3 8B',
              place: 'this_machine',
              local: true,
              private: true,
              contextWindow: 32768,
              reasoning: true,
              quantization: null,
              loaded: null,
              speed: null,
            },
          ],
          primary: 'lmstudio/qwen/qwen3-8b',
        }),
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('model-qwen/qwen3-8b');
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    await user.selectOptions(screen.getByTestId('route-add-select'), 'lmstudio/google/gemma-3-27b');
    await user.click(screen.getByRole('button', { name: /Add/ }));
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByRole('heading', { name: 'Test and save' })).toBeInTheDocument();
    const ok = screen.getByTestId('route-test-0');
    await waitFor(() => expect(ok).toHaveAttribute('data-phase', 'ok'));
    expect(ok).toHaveTextContent('Answered in 420 ms — OK.');
    const failed = screen.getByTestId('route-test-1');
    await waitFor(() => expect(failed).toHaveAttribute('data-phase', 'failed'));
    expect(failed).toHaveTextContent('Server error (HTTP 500) Model crashed');
    expect(within(failed).getByTestId('route-test-hint')).toHaveTextContent(/loads in LM Studio/);
    expect(screen.getByTestId('wizard-plan')).toHaveTextContent('Primary lmstudio/qwen/qwen3-8b');
    expect(screen.getByTestId('wizard-plan-dropped')).toHaveTextContent(
      'lmstudio/google/gemma-3-27b did not answer',
    );
    expect(calls.filter((c) => c === 'route_test')).toHaveLength(2);
    // "Test again" from the keyboard runs both tests once more; nothing was written.
    screen.getByTestId('routes-retest').focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(calls.filter((c) => c === 'route_test')).toHaveLength(4));
    await waitFor(() => expect(screen.getByTestId('wizard-save')).toBeEnabled());
    expect(calls.filter((c) => ['setup_save', 'config_apply'].includes(c))).toEqual([]);
    screen.getByTestId('wizard-save').focus();
    await user.keyboard('{Enter}');
    await screen.findByTestId('wizard-saved');
    expect(calls.filter((c) => c === 'setup_save')).toHaveLength(1);
    expect(calls.filter((c) => ['config_apply', 'discovery_add_profiles'].includes(c))).toEqual([]);
    expect(screen.getByTestId('wizard-config-path')).toHaveTextContent(sampleView().path);
    expect(screen.getByTestId('wizard-dropped')).toHaveTextContent('lmstudio/google/gemma-3-27b');
    expect(edits).toEqual([
      { op: 'setRoutes', primary: 'lmstudio/qwen/qwen3-8b', fallbacks: [] },
      { op: 'setAlias', ref: 'lmstudio/qwen/qwen3-8b', alias: 'Qwen3 8B' },
    ]);
    const open = screen.getByTestId('wizard-finish');
    await waitFor(() => expect(open).toHaveFocus());
    expect(open).toHaveTextContent('Open chat');
    await user.keyboard('{Enter}');
    await screen.findByTestId('screen-chat');
    // The default route is picked (the picker's button carries the value).
    await waitFor(() => expect(screen.getByTestId('chat-model')).toHaveAttribute('data-value', ''));
    expect(screen.getByTestId('chat-model')).toHaveTextContent(/lmstudio\/qwen\/qwen3-8b/);
  });

  it('with no route answering Save is disabled and says why', async () => {
    resetLocation('#/setup');
    mockBackend({
      handlers: {
        discovery_scan: () => sampleReport(),
        route_test: (args) => ({
          ref: `lmstudio/${(args.target as { model: string }).model}`,
          ok: false,
          kind: 'connection',
          status: null,
          message: 'the request failed: connection refused',
          firstTokenMs: null,
          elapsedMs: 2,
          preview: '',
          reasoned: false,
          usage: null,
        }),
      },
    });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('model-qwen/qwen3-8b');
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    await waitFor(() =>
      expect(screen.getByTestId('route-test-0')).toHaveAttribute('data-phase', 'failed'),
    );
    expect(screen.getByTestId('route-test-hint')).toHaveTextContent(
      'Is LM Studio running? Start its server (port 1234), then test again.',
    );
    expect(screen.getByTestId('wizard-save')).toBeDisabled();
    expect(screen.getByTestId('wizard-blocked')).toHaveTextContent(/No route answered/);
    // A server that is off right now may be on tomorrow: it can be kept on purpose too.
    const keep = within(screen.getByTestId('route-test-0')).getByTestId('route-test-keep');
    expect(keep).toHaveTextContent(/Keep anyway — it did not answer now \(.+\)/);
    await user.click(within(keep).getByRole('checkbox'));
    await waitFor(() => expect(screen.getByTestId('wizard-save')).toBeEnabled());
  });

  it('keeps a rate-limited route on purpose; a failed save shows by the Save button, in view', async () => {
    resetLocation('#/setup');
    const scrolled = vi.fn();
    // jsdom has no layout, so no scrollIntoView of its own: record the calls instead.
    const original = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollIntoView');
    Object.defineProperty(Element.prototype, 'scrollIntoView', {
      value: scrolled,
      configurable: true,
      writable: true,
    });
    const edits: unknown[] = [];
    mockBackend({
      handlers: {
        discovery_scan: () => sampleReport(),
        route_test: (args) => ({
          ref: `lmstudio/${(args.target as { model: string }).model}`,
          ok: false,
          kind: 'rate_limit',
          status: 429,
          message: 'slow down',
          firstTokenMs: null,
          elapsedMs: 2,
          preview: '',
          reasoned: false,
          usage: null,
        }),
        config_load: () => sampleView({ exists: true, revision: 'r1' }),
        setup_save: (args) => {
          edits.push(...(args.edits as unknown[]));
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- the Rust side's shape
          throw { kind: 'conflict', message: 'The config changed on disk: load it again.' };
        },
      },
    });
    try {
      const user = userEvent.setup();
      render(App);
      await screen.findByTestId('model-qwen/qwen3-8b');
      await user.click(screen.getByTestId('wizard-next'));
      await user.click(screen.getByTestId('wizard-next'));
      await user.click(screen.getByTestId('wizard-next'));
      const failed = screen.getByTestId('route-test-0');
      await waitFor(() => expect(failed).toHaveAttribute('data-phase', 'failed'));
      expect(screen.getByTestId('wizard-save')).toBeDisabled();
      const keep = within(failed).getByTestId('route-test-keep');
      expect(keep).toHaveTextContent('Keep anyway — it answered 429 rate-limited');
      expect(within(failed).queryByTestId('route-test-kept')).toBeNull();
      await user.click(within(keep).getByRole('checkbox'));
      expect(within(failed).getByTestId('route-test-kept')).toBeInTheDocument();
      expect(screen.getByTestId('wizard-plan')).toHaveTextContent(
        'Primary lmstudio/qwen/qwen3-8b kept although its test failed',
      );
      expect(screen.queryByTestId('wizard-plan-dropped')).toBeNull();
      const save = screen.getByTestId('wizard-save');
      await waitFor(() => expect(save).toBeEnabled());
      await user.click(save);
      const error = await screen.findByTestId('wizard-save-error');
      expect(error).toHaveTextContent('The config changed on disk: load it again.');
      // The whole save was one refused write.
      expect(edits).toEqual([
        { op: 'setRoutes', primary: 'lmstudio/qwen/qwen3-8b', fallbacks: [] },
        { op: 'setAlias', ref: 'lmstudio/qwen/qwen3-8b', alias: 'Qwen3 8B' },
      ]);
      // Next to the button, not at the end of the route list, and scrolled into view.
      expect(save.parentElement).toContainElement(error);
      expect(screen.getByTestId('wizard-step-save')).not.toContainElement(error);
      expect(scrolled.mock.contexts).toContain(error);
    } finally {
      if (original) Object.defineProperty(Element.prototype, 'scrollIntoView', original);
      else Reflect.deleteProperty(Element.prototype, 'scrollIntoView');
    }
  });

  it('reorders routes from the keyboard', async () => {
    resetLocation('#/setup');
    mockBackend({ handlers: { discovery_scan: () => sampleReport() } });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('model-qwen/qwen3-8b');
    await user.click(screen.getByTestId('wizard-next'));
    await user.click(screen.getByTestId('wizard-next'));
    await user.selectOptions(screen.getByTestId('route-add-select'), 'lmstudio/google/gemma-3-27b');
    await user.click(screen.getByRole('button', { name: /Add/ }));
    const up = within(screen.getByTestId('route-1')).getByRole('button', { name: /^Up/ });
    up.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('route-0')).toHaveTextContent('lmstudio/google/gemma-3-27b');
    expect(screen.getByTestId('route-0')).toHaveTextContent('Primary');
  });
});
