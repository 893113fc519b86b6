import { emit } from '@tauri-apps/api/event';
import { clearMocks } from '@tauri-apps/api/mocks';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { LAST_SCREEN_KEY } from './lib/router.svelte';
import { mockBackend, resetLocation, sampleReport, sampleView } from './test/fixtures';

const IDS = ['chat', 'providers', 'setup', 'settings'] as const;

function nav(id: string): HTMLElement {
  return screen.getByTestId(`nav-${id}`);
}

function expectScreen(id: (typeof IDS)[number]): void {
  expect(screen.getByTestId(`screen-${id}`)).toBeInTheDocument();
  for (const other of IDS) {
    if (other === id) {
      expect(nav(other)).toHaveAttribute('aria-current', 'page');
    } else {
      expect(screen.queryByTestId(`screen-${other}`)).not.toBeInTheDocument();
      expect(nav(other)).not.toHaveAttribute('aria-current');
    }
  }
}

beforeEach(() => {
  resetLocation();
  mockBackend();
});

afterEach(() => {
  clearMocks();
});

describe('navigation', () => {
  it('starts on Chat and offers four entries in order', () => {
    render(App);
    expectScreen('chat');
    const buttons = within(screen.getByRole('navigation', { name: 'Main' })).getAllByRole('button');
    expect(buttons.map((b) => b.dataset.testid)).toEqual(IDS.map((id) => `nav-${id}`));
    expect(nav('chat')).toHaveAttribute('tabindex', '0');
    expect(nav('settings')).toHaveAttribute('tabindex', '-1');
  });

  it('switches screens on click, focuses the heading and remembers the screen', async () => {
    const user = userEvent.setup();
    render(App);
    await user.click(nav('settings'));
    expectScreen('settings');
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 })).toHaveFocus());
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Settings');
    expect(localStorage.getItem(LAST_SCREEN_KEY)).toBe('settings');
    expect(location.hash).toBe('#/settings');
  });

  it('moves focus with the arrow keys and opens with Enter and Space', async () => {
    const user = userEvent.setup();
    render(App);
    nav('chat').focus();
    await user.keyboard('{ArrowDown}');
    expect(nav('providers')).toHaveFocus();
    expectScreen('chat'); // arrows only move focus
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}');
    expect(nav('chat')).toHaveFocus(); // wraps around
    await user.keyboard('{ArrowUp}');
    expect(nav('settings')).toHaveFocus();
    await user.keyboard('{ArrowUp}{Enter}');
    expectScreen('setup');
    nav('setup').focus();
    await user.keyboard('{Home}');
    expect(nav('chat')).toHaveFocus();
    await user.keyboard('{End}');
    expect(nav('settings')).toHaveFocus();
    await user.keyboard('{ArrowUp}{ArrowUp} ');
    expectScreen('providers');
  });

  it('jumps to screens with Ctrl+1..4', async () => {
    const user = userEvent.setup();
    render(App);
    await user.keyboard('{Control>}4{/Control}');
    expectScreen('settings');
    await user.keyboard('{Control>}2{/Control}');
    expectScreen('providers');
    await user.keyboard('{Control>}3{/Control}');
    expectScreen('setup');
    await user.keyboard('{Control>}1{/Control}');
    expectScreen('chat');
    await user.keyboard('{Control>}9{/Control}4');
    expectScreen('chat'); // no such screen, and a plain digit does nothing
  });

  it('restores the last screen after a reload', () => {
    localStorage.setItem(LAST_SCREEN_KEY, 'providers');
    render(App);
    expectScreen('providers');
    expect(location.hash).toBe('#/providers');
  });

  it('ignores a stored value that is not a screen', () => {
    localStorage.setItem(LAST_SCREEN_KEY, 'nonsense');
    render(App);
    expectScreen('chat');
  });

  it('lets the URL hash win and follows hash changes', async () => {
    localStorage.setItem(LAST_SCREEN_KEY, 'providers');
    resetLocation('#/setup');
    localStorage.setItem(LAST_SCREEN_KEY, 'providers');
    render(App);
    expectScreen('setup');
    location.hash = '#/settings';
    await waitFor(() => expectScreen('settings'));
    expect(localStorage.getItem(LAST_SCREEN_KEY)).toBe('settings');
  });

  it('has a skip link that focuses the screen heading', async () => {
    const user = userEvent.setup();
    render(App);
    await user.click(screen.getByRole('button', { name: 'Skip to content' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Chat' })).toHaveFocus();
  });
});

describe('empty states', () => {
  it('Chat explains what will be there and links to Setup', async () => {
    const user = userEvent.setup();
    render(App);
    expect(screen.getByRole('heading', { level: 1, name: 'Chat' })).toBeInTheDocument();
    // The empty state shows once the chat screen knows there are no models.
    expect(await screen.findByTestId('chat-empty')).toHaveTextContent(
      /Your conversations will appear here/,
    );
    expect(screen.getByTestId('chat-empty')).toHaveTextContent(/LM Studio or Ollama/);
    await user.click(screen.getByTestId('chat-open-setup'));
    expectScreen('setup');
  });

  it('Providers mentions the config file and the keychain', async () => {
    resetLocation('#/providers');
    mockBackend({
      handlers: {
        config_load: () => sampleView(),
        keys_status: () => ({
          keychain: {
            available: false,
            detail: 'No Secret Service provider; install gnome-keyring.',
          },
          providers: [],
        }),
      },
    });
    render(App);
    expect(screen.getByRole('heading', { level: 1, name: 'Providers' })).toBeInTheDocument();
    const empty = await screen.findByTestId('providers-empty');
    expect(empty).toHaveTextContent(/No providers yet/);
    expect(empty).toHaveTextContent(/OpenClaw/);
    expect(screen.getByTestId('providers-config-path')).toHaveTextContent(sampleView().path);
    expect(screen.getByTestId('screen-providers')).toHaveTextContent(/OS keychain/);
    expect(await screen.findByTestId('providers-keyring-missing')).toHaveTextContent(
      /No Secret Service provider/,
    );
  });

  it('Setup starts the wizard by looking for local models', async () => {
    resetLocation('#/setup');
    mockBackend({ handlers: { discovery_scan: () => sampleReport() } });
    render(App);
    expect(screen.getByRole('heading', { level: 1, name: 'Setup' })).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { level: 2, name: 'Find local models' }),
    ).toBeInTheDocument();
    expect(await screen.findByTestId('model-qwen/qwen3-8b')).toHaveTextContent(/Loaded/);
  });

  it('a broken config on start opens Providers with the recovery view', async () => {
    mockBackend({
      handlers: {
        config_load: () =>
          sampleView({
            exists: true,
            valid: false,
            revision: 'r1',
            diagnostics: [
              {
                severity: 'error',
                file: '/home/ada/.config/switchboard/config.json5',
                line: 3,
                column: 7,
                path: 'models',
                message: 'expected a value',
                sourceLine: '\tmodels: [ 1 2 ]',
                sourceColumn: 14,
              },
            ],
          }),
        keys_status: () => ({ keychain: { available: true, detail: '' }, providers: [] }),
      },
    });
    render(App);
    const recovery = await screen.findByTestId('config-recovery');
    expectScreen('providers');
    expect(recovery).toHaveTextContent('/home/ada/.config/switchboard/config.json5:3:7');
    expect(recovery).toHaveTextContent('expected a value');
    const source = screen.getByTestId('config-error-source');
    // The line as written, and a caret under column 14 (the tab kept so it lines up).
    expect(source.textContent).toContain('3 │ \tmodels: [ 1 2 ]');
    expect(source.querySelector('.caret')?.textContent).toBe('\t            ^');
  });

  it('a broken config shows on every screen; Chat keeps its history and says why', async () => {
    const user = userEvent.setup();
    let broken = true;
    mockBackend({
      handlers: {
        config_load: () =>
          broken
            ? sampleView({
                exists: true,
                valid: false,
                revision: 'r1',
                diagnostics: [
                  {
                    severity: 'error',
                    file: '/home/ada/.config/switchboard/config.json5',
                    line: 3,
                    column: 7,
                    path: 'models',
                    message: 'expected a value',
                    sourceLine: null,
                    sourceColumn: 0,
                  },
                ],
              })
            : sampleView({ exists: true }),
        keys_status: () => ({ keychain: { available: true, detail: '' }, providers: [] }),
        route_health: () => ({ overall: 'no_route', current: null, providers: [] }),
        history_list: () => [
          {
            id: 1,
            title: 'Earlier chat',
            titleIsCustom: false,
            pinned: false,
            createdAt: '2026-12-01T10:00:00Z',
            updatedAt: '2026-12-01T10:00:00Z',
            messageCount: 2,
          },
        ],
        chat_models: () => ({ models: [], primary: null }),
      },
    });
    render(App);
    await screen.findByTestId('config-recovery');
    for (const id of ['settings', 'setup', 'chat'] as const) {
      await user.click(nav(id));
      expectScreen(id);
      const banner = await screen.findByTestId('config-banner');
      expect(banner).toHaveTextContent('/home/ada/.config/switchboard/config.json5:3:7');
      expect(banner).toHaveTextContent('expected a value');
    }
    // Chat: the old conversations stay; it says why there is no route, not "Open Setup".
    expect(await screen.findByTestId('conversation-1')).toHaveTextContent('Earlier chat');
    expect(screen.getByTestId('chat-broken')).toHaveTextContent('the config file has errors');
    expect(screen.queryByTestId('chat-open-setup')).not.toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByTestId('route-detail')).toHaveTextContent('The config file has errors'),
    );
    // The banner's link opens the recovery view (where it offers no link to itself).
    await user.click(screen.getByTestId('config-banner-open'));
    expectScreen('providers');
    expect(screen.queryByTestId('config-banner-open')).not.toBeInTheDocument();
    // Fixed in an editor: the next navigation clears it.
    broken = false;
    await user.click(nav('settings'));
    await waitFor(() => expect(screen.queryByTestId('config-banner')).not.toBeInTheDocument());
  });
});

describe('app events', () => {
  it("the tray's New chat opens the chat from any screen", async () => {
    resetLocation('#/settings');
    mockBackend({ events: true });
    render(App);
    expectScreen('settings');
    // The listener is registered asynchronously after mount.
    await waitFor(async () => {
      await emit('tray-new-chat');
      expectScreen('chat');
    });
  });

  it('shows the route health and the last local scan in the sidebar', async () => {
    mockBackend({
      events: true,
      handlers: {
        route_health: () => ({
          overall: 'on_primary',
          current: 'lmstudio/qwen3-8b',
          providers: [],
        }),
      },
    });
    render(App);
    await waitFor(() => expect(screen.getByTestId('route-status')).toHaveTextContent('Ready'));
    expect(screen.getByTestId('route-status')).toHaveTextContent('lmstudio/qwen3-8b');
    await emit('local-servers', { servers: [] });
    await waitFor(() =>
      expect(screen.getByTestId('local-servers')).toHaveTextContent('No server on the usual ports'),
    );
    await emit('route-health', { overall: 'no_route', providers: [] });
    await waitFor(() => expect(screen.getByTestId('route-status')).toHaveTextContent('No route'));
  });
});

describe('config changes made elsewhere', () => {
  const file = '/home/ada/.config/switchboard/config.json5';
  const brokenView = () =>
    sampleView({
      exists: true,
      valid: false,
      revision: 'r2',
      diagnostics: [
        {
          severity: 'error',
          file,
          line: 4,
          column: 9,
          path: 'models',
          message: 'expected a value',
          sourceLine: null,
          sourceColumn: 0,
        },
      ],
    });

  it('says what changed outside, not for our own saves, and keeps routes while broken', async () => {
    let broken = false;
    let models = 0;
    mockBackend({
      events: true,
      handlers: {
        config_load: () => (broken ? brokenView() : sampleView({ exists: true })),
        history_list: () => [],
        chat_models: () => {
          models += 1;
          return {
            models: [
              {
                id: 'lmstudio/qwen3-8b',
                label: 'lmstudio/qwen3-8b',
                ref: 'lmstudio/qwen3-8b',
                alias: null,
                name: 'Qwen3 8B',
                local: true,
                contextWindow: null,
                reasoning: false,
              },
            ],
            primary: 'lmstudio/qwen3-8b',
          };
        },
      },
    });
    render(App);
    await waitFor(() => expect(models).toBeGreaterThan(0));
    // Our own save: no note.
    await waitFor(async () => {
      await emit('config-changed', {
        kind: 'applied',
        changes: [{ kind: 'primary', to: 'lmstudio/qwen3-8b' }],
        outside: false,
      });
      expect(models).toBeGreaterThan(1);
    });
    expect(screen.queryByTestId('config-changed-banner')).not.toBeInTheDocument();
    // An editor: the note says what changed and who, and the chat reads its models again.
    const before = models;
    await emit('config-changed', {
      kind: 'applied',
      changes: [{ kind: 'primary', to: 'lmstudio/qwen3-8b' }],
      outside: true,
    });
    const note = await screen.findByTestId('config-changed-banner');
    expect(note).toHaveTextContent(
      'Primary is now lmstudio/qwen3-8b — changed outside Switchboard',
    );
    expect(models).toBeGreaterThan(before);
    await userEvent.setup().click(screen.getByTestId('config-changed-dismiss'));
    expect(screen.queryByTestId('config-changed-banner')).not.toBeInTheDocument();
    // Broken: the error banner with file:line:col, routes kept, the chat still offered.
    broken = true;
    await emit('config-changed', {
      kind: 'kept',
      errors: [`${file}:4:9: models: expected a value`],
      routesKept: true,
    });
    const banner = await screen.findByTestId('config-banner');
    expect(banner).toHaveTextContent(`${file}:4:9`);
    expect(screen.getByTestId('config-banner-body')).toHaveTextContent(
      'keeps routing by the last good config',
    );
    expect(screen.queryByTestId('chat-broken')).not.toBeInTheDocument();
    // Fixed: both banners go.
    broken = false;
    await emit('config-changed', { kind: 'applied', changes: [], outside: true });
    await waitFor(() => expect(screen.queryByTestId('config-banner')).not.toBeInTheDocument());
    expect(await screen.findByTestId('config-changed-what')).toHaveTextContent(
      'The config file is valid again',
    );
  });
});
