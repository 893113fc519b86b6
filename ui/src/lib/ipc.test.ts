import { emit } from '@tauri-apps/api/event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import {
  configApply,
  configImportOpenclaw,
  configLoad,
  discoveryAddProfiles,
  discoveryLoadModel,
  discoveryScan,
  getAppStatus,
  keysDelete,
  keysSet,
  keysStatus,
  keysTest,
  onTrayNewChat,
  routeTest,
  routeTestCancel,
  settingsGet,
  settingsSet,
  IpcError,
  toIpcError,
  type ConfigView,
} from './ipc';
import { mockBackend, sampleSettings, sampleSettingsView, sampleStatus } from '../test/fixtures';

afterEach(() => {
  clearMocks();
});

describe('toIpcError', () => {
  it('keeps kind and message of a Rust {kind, message} rejection', () => {
    const error = toIpcError({ kind: 'io', message: 'disk full' });
    expect(error).toBeInstanceOf(IpcError);
    expect(error).toBeInstanceOf(Error);
    expect(error.kind).toBe('io');
    expect(error.message).toBe('disk full');
    expect(error.field).toBeUndefined();
  });

  it('keeps the field and list index a refused value is about', () => {
    const error = toIpcError({
      kind: 'invalid_input',
      message: 'Extra server URL: no host',
      field: 'extraServerUrls',
      index: 2,
    });
    expect(error).toMatchObject({ kind: 'invalid_input', field: 'extraServerUrls', index: 2 });
    expect(toIpcError({ kind: 'io', message: 'm', field: null, index: null })).toMatchObject({
      field: undefined,
      index: undefined,
    });
  });

  it('turns a bare string into an unknown-kind error with that text', () => {
    expect(toIpcError('Command app_status not found')).toMatchObject({
      kind: 'unknown',
      message: 'Command app_status not found',
    });
  });

  it('uses the message of a thrown Error', () => {
    expect(toIpcError(new TypeError('boom'))).toMatchObject({ kind: 'unknown', message: 'boom' });
  });

  it('names the kind when there is no message', () => {
    const error = toIpcError({ kind: 'config' });
    expect(error.kind).toBe('config');
    expect(error.message).toBe('The app reported an error: not configured.');
  });

  it.each([undefined, null, 42, '', '   ', {}, { kind: 7, message: ['x'] }, []])(
    'gives a readable message for %j',
    (value) => {
      const error = toIpcError(value);
      expect(error.kind).toBe('unknown');
      expect(error.message).toBe('An unknown error occurred.');
    },
  );

  it('keeps the diagnostics of a refused config edit as data', () => {
    const diagnostic = {
      severity: 'error',
      file: '<edit>',
      line: 0,
      column: 0,
      path: 'models.providers.x.baseUrl',
      message: 'the base URL must start with http:// or https://',
      sourceLine: null,
      sourceColumn: 0,
    };
    const error = toIpcError({
      kind: 'invalid_config',
      message: 'refused',
      diagnostics: [diagnostic, { nonsense: true }],
    });
    expect(error.diagnostics).toEqual([diagnostic]);
    expect(toIpcError({ kind: 'io', message: 'x' }).diagnostics).toEqual([]);
  });

  it('passes an IpcError through unchanged', () => {
    const original = new IpcError('keychain', 'locked');
    expect(toIpcError(original)).toBe(original);
  });
});

describe('getAppStatus', () => {
  it('calls app_status and returns its answer', async () => {
    const calls = mockBackend();
    await expect(getAppStatus()).resolves.toEqual(sampleStatus());
    expect(calls).toEqual(['app_status']);
  });

  it('rejects with an IpcError when the command fails', async () => {
    mockBackend({ rejectWith: { kind: 'io', message: 'cannot read /etc/x' } });
    const error: unknown = await getAppStatus().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcError);
    expect(error).toMatchObject({ kind: 'io', message: 'cannot read /etc/x' });
  });

  it('rejects with not_in_app outside the Tauri webview', async () => {
    const error: unknown = await getAppStatus().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'not_in_app' });
    expect((error as IpcError).message).toMatch(/Not running inside the Switchboard app/);
  });
});

describe('config commands', () => {
  const view: ConfigView = {
    path: '/home/ada/.config/switchboard/config.json5',
    exists: true,
    valid: true,
    revision: 'abc-1',
    diagnostics: [],
    mode: 'merge',
    providers: [],
    aliases: [],
    primary: null,
    fallbacks: [],
    apis: ['openai-completions'],
  };

  it('passes the revision and the edit to config_apply', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return view;
    });
    await expect(configLoad()).resolves.toEqual(view);
    await configApply('abc-1', { op: 'setAlias', ref: 'lmstudio/m', alias: 'M' });
    await configImportOpenclaw();
    expect(calls).toEqual([
      ['config_load', {}],
      [
        'config_apply',
        { revision: 'abc-1', edit: { op: 'setAlias', ref: 'lmstudio/m', alias: 'M' } },
      ],
      ['config_import_openclaw', {}],
    ]);
  });

  it('turns a stale save into a conflict error', async () => {
    mockIPC(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- Rust rejects with {kind, message}
      throw { kind: 'conflict', message: 'the file changed on disk' };
    });
    const error: unknown = await configApply(null, { op: 'removeProvider', id: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IpcError);
    expect(error).toMatchObject({ kind: 'conflict' });
  });
});

describe('discovery and key commands', () => {
  function recording(reply: (cmd: string) => unknown = () => null) {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return reply(cmd);
    });
    return calls;
  }

  it('sends the scan request, the chosen servers and the model to load', async () => {
    const calls = recording((cmd) => (cmd === 'discovery_scan' ? { servers: [] } : []));
    await expect(discoveryScan()).resolves.toEqual({ servers: [] });
    await discoveryScan({ lmstudioPort: 4321, extraUrls: ['http://10.0.0.2:8000'] });
    const server = {
      kind: 'lmstudio' as const,
      baseUrl: 'http://127.0.0.1:1234/v1',
      status: 'running' as const,
      version: null,
      api: null,
      needsKey: false,
      models: [],
      elapsedMs: 1,
    };
    await discoveryAddProfiles([server]);
    await discoveryLoadModel('http://127.0.0.1:1234/v1', 'qwen/qwen3-8b');
    expect(calls).toEqual([
      ['discovery_scan', { request: null }],
      ['discovery_scan', { request: { lmstudioPort: 4321, extraUrls: ['http://10.0.0.2:8000'] } }],
      [
        'discovery_add_profiles',
        { servers: [{ kind: 'lmstudio', baseUrl: 'http://127.0.0.1:1234/v1' }] },
      ],
      [
        'discovery_load_model',
        { baseUrl: 'http://127.0.0.1:1234/v1', model: 'qwen/qwen3-8b', contextLength: null },
      ],
    ]);
  });

  it('sends a key only to keys_set and keys_test, and returns nothing from keys_set', async () => {
    const calls = recording((cmd) =>
      cmd === 'keys_test'
        ? { outcome: 'ok', status: null, message: 'fine' }
        : cmd === 'keys_delete',
    );
    await expect(keysSet('openai', 'sk-1')).resolves.toBeUndefined();
    await expect(keysTest('openai')).resolves.toMatchObject({ outcome: 'ok' });
    await keysTest('custom', 'sk-2', { baseUrl: 'https://gw/v1', api: 'openai-completions' });
    await expect(keysDelete('openai')).resolves.toBe(true);
    await keysStatus();
    expect(calls).toEqual([
      ['keys_set', { provider: 'openai', key: 'sk-1' }],
      ['keys_test', { provider: 'openai', key: null, baseUrl: null, api: null }],
      [
        'keys_test',
        { provider: 'custom', key: 'sk-2', baseUrl: 'https://gw/v1', api: 'openai-completions' },
      ],
      ['keys_delete', { provider: 'openai' }],
      ['keys_status', {}],
    ]);
  });

  it('sends a route test with its draft, key and group, and a cancel by group', async () => {
    const result = {
      ref: 'lmstudio/qwen/qwen3-8b',
      ok: true,
      kind: null,
      status: null,
      message: '',
      firstTokenMs: 40,
      elapsedMs: 90,
      preview: 'OK.',
      reasoned: false,
      usage: { input: 10, output: 2 },
    };
    const calls = recording((cmd) => (cmd === 'route_test' ? result : true));
    const target = {
      provider: 'lmstudio',
      model: 'qwen/qwen3-8b',
      api: 'openai-responses',
      baseUrl: 'http://127.0.0.1:1234/v1',
    };
    await expect(routeTest(target)).resolves.toEqual(result);
    await routeTest(target, 'sk-typed', 'run-2');
    await expect(routeTestCancel('run-2')).resolves.toBe(true);
    expect(calls).toEqual([
      ['route_test', { target, key: null, group: null }],
      ['route_test', { target, key: 'sk-typed', group: 'run-2' }],
      ['route_test_cancel', { group: 'run-2' }],
    ]);
  });

  it('keeps the keychain kind and its fix text', async () => {
    mockIPC(() => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- Rust rejects with {kind, message}
      throw {
        kind: 'keychain',
        message: 'no OS keychain is available (…). Fix: install gnome-keyring',
      };
    });
    const error: unknown = await keysSet('openai', 'sk-x').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'keychain' });
    expect((error as IpcError).message).toMatch(/gnome-keyring/);
  });
});

describe('onTrayNewChat', () => {
  it('calls back on every tray-new-chat event until unlistened', async () => {
    mockIPC(() => null, { shouldMockEvents: true });
    let calls = 0;
    const unlisten = await onTrayNewChat(() => {
      calls += 1;
    });
    await emit('tray-new-chat');
    expect(calls).toBe(1);
    unlisten();
    await emit('tray-new-chat');
    expect(calls).toBe(1);
  });
});

describe('settings commands', () => {
  it('reads the settings and sends a change as one settings object', async () => {
    const sent: unknown[] = [];
    mockBackend({
      handlers: {
        settings_get: () => sampleSettingsView(),
        settings_set: (args) => {
          sent.push(args);
          return args.settings;
        },
      },
    });
    expect((await settingsGet()).locations.settingsFile).toMatch(/settings\.json$/);
    const wanted = sampleSettings({ theme: 'dark', detectIntervalSecs: 0 });
    expect(await settingsSet(wanted)).toEqual(wanted);
    expect(sent).toEqual([{ settings: wanted }]);
  });
});
