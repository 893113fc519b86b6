import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import type { ConfigProvider, KeysStatus } from '../../lib/ipc';
import { mockBackend, resetLocation, sampleView } from '../../test/fixtures';
import { problemsAt, problemsFromMessage } from './providers.svelte';

const KEY = 'sk-test-never-in-the-page-9999';

function provider(overrides: Partial<ConfigProvider> = {}): ConfigProvider {
  return {
    id: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    api: 'openai-completions',
    auth: null,
    authHeader: null,
    maxTokens: null,
    timeoutSeconds: null,
    key: 'none',
    hasHeaders: false,
    models: [
      {
        ref: 'openai/gpt-5',
        provider: 'openai',
        id: 'gpt-5',
        name: 'GPT-5',
        api: 'openai-completions',
        contextWindow: 400000,
        maxTokens: 8192,
        reasoning: false,
        input: ['text'],
        cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
        alias: 'GPT',
      },
    ],
    ...overrides,
  };
}

/** A backend with one provider whose key can be set, deleted and tested. */
function backend() {
  let stored: string | undefined;
  const replies: string[] = [];
  const keys = (): KeysStatus => ({
    keychain: { available: true, detail: 'ok' },
    providers: [
      stored
        ? {
            provider: 'openai',
            state: 'keychain',
            var: null,
            hint: stored.slice(-4),
            detail: `set in keychain · …${stored.slice(-4)}`,
          }
        : { provider: 'openai', state: 'missing', var: null, hint: null, detail: 'missing' },
    ],
  });
  const record = <T>(value: T): T => {
    replies.push(JSON.stringify(value));
    return value;
  };
  const calls = mockBackend({
    handlers: {
      config_load: () =>
        record(sampleView({ exists: true, revision: 'r1', providers: [provider()] })),
      keys_status: () => record(keys()),
      keys_set: (args) => {
        stored = args.key as string;
        return null;
      },
      keys_delete: () => {
        const had = stored !== undefined;
        stored = undefined;
        return had;
      },
      keys_test: (args) =>
        record({
          outcome: args.key === undefined || args.key === null ? 'ok' : 'rejected',
          status: null,
          message: 'tested',
        }),
      config_apply: (args) => {
        const edit = args.edit as { op: string; model?: { maxTokens?: number } };
        if (edit.op === 'upsertModel' && (edit.model?.maxTokens ?? 0) > 400000)
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- Rust rejects with {kind, message}
          throw {
            kind: 'invalid_config',
            message:
              '<edit>: models.providers.openai.models[0].maxTokens: maxTokens must not exceed contextWindow',
          };
        return record(sampleView({ exists: true, revision: 'r2', providers: [provider()] }));
      },
      config_import_openclaw: () => ({ imported: ['anthropic'], skipped: [] }),
    },
  });
  return { calls, replies, stored: () => stored };
}

afterEach(() => {
  clearMocks();
});

describe('ProvidersScreen', () => {
  it('sets a key once: it is never shown, stored or returned afterwards', async () => {
    resetLocation('#/providers');
    const fake = backend();
    const user = userEvent.setup();
    render(App);
    await waitFor(() =>
      expect(screen.getByTestId('key-status-openai')).toHaveTextContent('missing'),
    );
    await user.click(screen.getByTestId('key-edit-openai'));
    const input = screen.getByTestId('key-input-openai');
    expect(input).toHaveAttribute('type', 'password');
    await user.type(input, KEY);
    await user.click(screen.getByTestId('key-save-openai'));
    await waitFor(() =>
      expect(screen.getByTestId('key-status-openai')).toHaveTextContent('set in keychain · …9999'),
    );
    expect(fake.stored()).toBe(KEY);
    expect(screen.queryByTestId('key-input-openai')).not.toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(KEY);
    expect(JSON.stringify({ ...localStorage })).not.toContain(KEY);
    await user.click(screen.getByTestId('key-test-openai'));
    expect(await screen.findByTestId('key-test-result')).toHaveAttribute('data-outcome', 'ok');
    expect(fake.replies.join('\n')).not.toContain(KEY);
    await user.click(screen.getByTestId('key-delete-openai'));
    await waitFor(() =>
      expect(screen.getByTestId('key-status-openai')).toHaveAttribute('data-state', 'missing'),
    );
  });

  it('shows a refused edit next to its field', async () => {
    resetLocation('#/providers');
    backend();
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('model-edit-gpt-5'));
    const max = screen.getByTestId('model-max-gpt-5');
    await user.clear(max);
    await user.type(max, '500000');
    await user.click(screen.getByTestId('model-save-gpt-5'));
    expect(await screen.findByTestId('model-max-error-gpt-5')).toHaveTextContent(
      'maxTokens must not exceed contextWindow',
    );
    expect(max).toHaveAttribute('aria-invalid', 'true');
  });

  it('edits the base URL and API, keeping the rest of the provider', async () => {
    resetLocation('#/providers');
    const fake = backend();
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('provider-edit-openai'));
    const url = screen.getByTestId('provider-url-openai');
    await user.clear(url);
    await user.type(url, 'https://eu.api.example.com/v1');
    await user.click(screen.getByTestId('provider-save-openai'));
    await waitFor(() =>
      expect(screen.queryByTestId('provider-url-openai')).not.toBeInTheDocument(),
    );
    expect(fake.calls).toContain('config_apply');
  });

  it('imports from OpenClaw and shows the config path', async () => {
    resetLocation('#/providers');
    backend();
    const user = userEvent.setup();
    render(App);
    expect(await screen.findByTestId('providers-config-path')).toHaveTextContent(sampleView().path);
    await user.click(screen.getByTestId('providers-import'));
    expect(await screen.findByTestId('providers-notice')).toHaveTextContent('Imported anthropic.');
    const card = screen.getByTestId('provider-openai');
    expect(within(card).getByText('GPT')).toBeInTheDocument();
  });

  it('parses file:line:col problem lines by config path', () => {
    const problems = problemsFromMessage(
      '/c.json5:3:5: models.providers.x.baseUrl: must be a URL\n<edit>: models.providers.x.api: warning: unknown api',
    );
    expect(problemsAt(problems, 'models.providers.x.baseUrl')).toEqual(['must be a URL']);
    expect(problemsAt(problems, 'models.providers.x.api')).toEqual(['unknown api']);
    expect(problemsAt(problems, 'models.providers.y')).toEqual([]);
  });
});
