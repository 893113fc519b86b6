import { emit } from '@tauri-apps/api/event';
import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../App.svelte';
import type { ConfigEdit, ConfigProvider, KeysStatus, RouteHealth } from '../../lib/ipc';
import { mockBackend, resetLocation, sampleReport, sampleView } from '../../test/fixtures';
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
    headers: [],
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
  const applied: ConfigEdit[] = [];
  const added: { kind: string; baseUrl: string }[] = [];
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
        const edit = args.edit as ConfigEdit;
        applied.push(edit);
        const model = edit.op === 'upsertProvider' ? edit.provider.models?.[0] : undefined;
        if ((model?.maxTokens ?? 0) > 400000)
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- Rust rejects with {kind, message, diagnostics}
          throw {
            kind: 'invalid_config',
            message: 'refused',
            diagnostics: [
              {
                severity: 'error',
                file: '<edit>',
                line: 0,
                column: 0,
                path: 'models.providers.openai.models[0].maxTokens',
                message: 'maxTokens must not exceed contextWindow',
                sourceLine: null,
                sourceColumn: 0,
              },
            ],
          };
        return record(sampleView({ exists: true, revision: 'r2', providers: [provider()] }));
      },
      discovery_scan: () => sampleReport(),
      discovery_add_profiles: (args) => {
        added.push(...(args.servers as { kind: string; baseUrl: string }[]));
        return [{ provider: 'lmstudio', models: ['qwen/qwen3-8b'], warnings: [] }];
      },
      config_import_openclaw: () => ({ imported: ['anthropic'], skipped: [] }),
    },
  });
  return { calls, replies, applied, added, stored: () => stored };
}

afterEach(() => {
  clearMocks();
});

describe('ProvidersScreen', () => {
  it("shows each provider's reachability from the route health, and follows it", async () => {
    resetLocation('#/providers');
    const lmstudio = provider({ id: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1', models: [] });
    const checked = new Date();
    checked.setHours(14, 7, 0, 0);
    const down: RouteHealth = {
      overall: 'on_fallback',
      current: 'openai/gpt-5',
      providers: [
        {
          provider: 'lmstudio',
          state: 'down',
          reason: 'unreachable',
          cooling: [],
          local: true,
          reachable: false,
          checkedMs: checked.getTime(),
        },
        { provider: 'openai', state: 'ok', cooling: [], local: false },
      ],
    };
    mockBackend({
      events: true,
      handlers: {
        config_load: () =>
          sampleView({ exists: true, revision: 'r1', providers: [provider(), lmstudio] }),
        keys_status: () => ({ keychain: { available: true, detail: 'ok' }, providers: [] }),
        route_health: () => down,
      },
    });
    render(App);
    const local = await screen.findByTestId('provider-status-lmstudio');
    await waitFor(() => expect(local).toHaveTextContent('Not reachable (checked 14:07)'));
    expect(local).toHaveAttribute('data-tone', 'bad');
    expect(screen.getByTestId('provider-status-openai')).toHaveTextContent('Not checked');
    expect(within(screen.getByTestId('provider-lmstudio')).getByText('Local')).toBeVisible();
    expect(screen.getByTestId('route-status')).toHaveTextContent('lmstudio not reachable');

    const until = new Date();
    until.setHours(10, 30, 0, 0);
    await emit('route-health', {
      overall: 'on_primary',
      current: 'lmstudio/m',
      providers: [
        { ...down.providers[0]!, state: 'ok', reason: undefined, reachable: true },
        {
          provider: 'openai',
          state: 'cooldown',
          reason: 'rate_limit',
          untilMs: until.getTime(),
          cooling: ['openai/gpt-5'],
          local: false,
        },
      ],
    } satisfies RouteHealth);
    await waitFor(() => expect(local).toHaveTextContent('Reachable · checked 14:07'));
    expect(screen.getByTestId('provider-status-openai')).toHaveTextContent(
      'Resting until 10:30 · rate-limited',
    );
  });

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

  it('shows a refused edit next to its field and keeps what was typed', async () => {
    resetLocation('#/providers');
    backend();
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('provider-edit-openai'));
    const max = screen.getByTestId('model-0-maxTokens');
    await user.clear(max);
    await user.type(max, '500000');
    await user.click(screen.getByTestId('editor-save'));
    const error = await screen.findByTestId('model-0-maxTokens-error');
    expect(error).toHaveTextContent('maxTokens must not exceed contextWindow');
    expect(max).toHaveAttribute('aria-invalid', 'true');
    expect(max).toHaveAttribute('aria-describedby', error.id);
    expect(max).toHaveValue(500000);
    expect(screen.getByTestId('editor-url')).not.toHaveAttribute('aria-invalid');
  });

  it('edits base URL, headers, cost, reasoning and input in one edit', async () => {
    resetLocation('#/providers');
    const fake = backend();
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('provider-edit-openai'));
    const url = screen.getByTestId('editor-url');
    await user.clear(url);
    await user.type(url, 'https://eu.api.example.com/v1');
    await user.click(screen.getByTestId('editor-header-add'));
    await user.type(screen.getByTestId('editor-header-name-0'), 'X-Title');
    await user.type(screen.getByTestId('editor-header-value-0'), 'Switchboard');
    await user.type(screen.getByTestId('model-0-cost-input'), '1.25');
    await user.click(screen.getByTestId('model-0-reasoning'));
    await user.click(screen.getByTestId('model-0-input-image'));
    await user.click(screen.getByTestId('editor-save'));
    await waitFor(() => expect(screen.queryByTestId('provider-editor')).not.toBeInTheDocument());
    expect(fake.applied).toHaveLength(1);
    const edit = fake.applied[0];
    if (edit?.op !== 'upsertProvider') throw new Error(`unexpected ${edit?.op}`);
    expect(edit.provider.baseUrl).toBe('https://eu.api.example.com/v1');
    expect(edit.provider.headers).toEqual([
      { name: 'X-Title', value: { kind: 'text', value: 'Switchboard' } },
    ]);
    expect(edit.provider.models?.[0]).toMatchObject({
      id: 'gpt-5',
      reasoning: true,
      input: ['text', 'image'],
      cost: { input: 1.25, output: 0 },
    });
  });

  it('adds a custom provider from the preset; Esc and Cancel write nothing', async () => {
    resetLocation('#/providers');
    const fake = backend();
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('providers-add'));
    await user.click(await screen.findByTestId('add-preset-custom'));
    const id = screen.getByTestId('editor-id');
    expect(id).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('provider-editor')).not.toBeInTheDocument();
    expect(screen.getByTestId('providers-add')).toHaveFocus();

    await user.click(screen.getByTestId('providers-add'));
    await user.click(await screen.findByTestId('add-preset-custom'));
    await user.type(screen.getByTestId('editor-id'), 'openai');
    await user.click(screen.getByTestId('editor-save'));
    expect(await screen.findByTestId('editor-id-error')).toHaveTextContent('exists already');
    await user.clear(screen.getByTestId('editor-id'));
    await user.type(screen.getByTestId('editor-id'), 'work');
    await user.type(screen.getByTestId('editor-url'), 'http://127.0.0.1:9000/v1');
    await user.type(screen.getByTestId('model-0-id'), 'm1');
    await user.type(screen.getByTestId('model-0-name'), 'Model one');
    expect(fake.applied).toHaveLength(0);
    await user.click(screen.getByTestId('editor-save'));
    await waitFor(() => expect(fake.applied).toHaveLength(1));
    expect(fake.applied[0]).toMatchObject({
      op: 'upsertProvider',
      provider: {
        id: 'work',
        baseUrl: 'http://127.0.0.1:9000/v1',
        headers: [],
        models: [{ id: 'm1', name: 'Model one', contextWindow: 128000, previousId: null }],
      },
    });
  });

  it('adds a detected local server as a profile', async () => {
    resetLocation('#/providers');
    const fake = backend();
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('providers-add'));
    const server = await screen.findByTestId('add-server-lmstudio');
    expect(server).toHaveTextContent('http://127.0.0.1:1234/v1 · 2 models');
    expect(screen.queryByTestId('add-server-ollama')).not.toBeInTheDocument();
    await user.click(within(server).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.queryByTestId('provider-add')).not.toBeInTheDocument());
    expect(fake.added).toEqual([{ kind: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' }]);
    expect(screen.getByTestId('providers-notice')).toHaveTextContent('Added lmstudio.');
    expect(fake.applied).toHaveLength(0);
  });

  it('warns about a credential typed into a header', async () => {
    resetLocation('#/providers');
    backend();
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('provider-edit-openai'));
    await user.click(screen.getByTestId('editor-header-add'));
    await user.type(screen.getByTestId('editor-header-name-0'), 'Authorization');
    const value = screen.getByTestId('editor-header-value-0');
    await user.type(value, 'Bearer abc');
    expect(screen.getByText(/looks like a credential/)).toBeInTheDocument();
    await user.clear(value);
    await user.type(value, 'Bearer ${{WORK_TOKEN}');
    expect(screen.queryByText(/looks like a credential/)).not.toBeInTheDocument();
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
