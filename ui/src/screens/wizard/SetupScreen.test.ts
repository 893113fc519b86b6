import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
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
    expect(gemma).toHaveTextContent('128K context');
    expect(gemma).toHaveTextContent(/first answer waits/);
    expect(screen.getByTestId('model-qwen/qwen3-8b')).toHaveTextContent('32K context (max 128K)');
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByTestId('wizard-step-mode')).toBeInTheDocument();
    await user.click(screen.getByTestId('setup-mode-local-first'));
    await user.click(screen.getByTestId('wizard-next'));
    expect(screen.getByTestId('wizard-step-hosted')).toBeInTheDocument();
    await user.type(screen.getByTestId('hosted-key'), 'sk-ant-typed-but-cancelled');
    expect(screen.getByTestId('hosted-key')).toHaveAttribute('type', 'password');
    await user.click(screen.getByTestId('wizard-back'));
    expect(screen.getByTestId('wizard-step-mode')).toBeInTheDocument();
    await user.click(screen.getByTestId('wizard-cancel'));
    expect(screen.getByTestId('screen-chat')).toBeInTheDocument();
    const writes = calls.filter((c) =>
      ['discovery_add_profiles', 'config_apply', 'keys_set'].includes(c),
    );
    expect(writes).toEqual([]);
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
