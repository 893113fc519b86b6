import { describe, expect, it } from 'vitest';
import type { RouteHealth, ScanReport } from './ipc';
import { RouteStatusStore, type RouteStatusBackend } from './routeStatus.svelte';

function backend(now: RouteHealth | Error) {
  const listeners: {
    health?: (h: RouteHealth) => void;
    servers?: (r: ScanReport) => void;
  } = {};
  let stopped = 0;
  const api: RouteStatusBackend = {
    routeHealth: () => (now instanceof Error ? Promise.reject(now) : Promise.resolve(now)),
    onRouteHealth: (cb) => {
      listeners.health = cb;
      return Promise.resolve(() => (stopped += 1));
    },
    onLocalServers: (cb) => {
      listeners.servers = cb;
      return Promise.resolve(() => (stopped += 1));
    },
  };
  return { api, listeners, stopped: () => stopped };
}

const primary: RouteHealth = {
  overall: 'on_primary',
  current: 'lmstudio/qwen3-8b',
  providers: [{ provider: 'lmstudio', state: 'ok', cooling: [], local: true }],
};

describe('RouteStatusStore', () => {
  it('starts unknown, then shows the health the router reports', async () => {
    const { api } = backend(primary);
    const store = new RouteStatusStore(api);
    expect(store.summary.tone).toBe('unknown');
    await store.start();
    expect(store.summary).toEqual({ tone: 'ok', label: 'Ready', detail: 'lmstudio/qwen3-8b' });
  });

  it('follows health events and names the providers that rest', async () => {
    const { api, listeners } = backend(primary);
    const store = new RouteStatusStore(api);
    await store.start();
    listeners.health?.({
      overall: 'on_fallback',
      current: 'lmstudio/qwen3-8b',
      providers: [
        {
          provider: 'anthropic',
          state: 'cooldown',
          reason: 'rate_limit',
          cooling: ['x'],
          local: false,
        },
        { provider: 'lmstudio', state: 'ok', cooling: [], local: true },
      ],
    });
    expect(store.summary).toEqual({
      tone: 'warn',
      label: 'On fallback',
      detail: 'lmstudio/qwen3-8b · anthropic resting',
    });
    listeners.health?.({ overall: 'no_route', providers: [] });
    expect(store.summary).toMatchObject({ tone: 'bad', detail: 'Run Setup to add a model' });
  });

  it('names unreachable providers apart from resting ones, and gives each provider', async () => {
    const { api, listeners } = backend(primary);
    const store = new RouteStatusStore(api);
    await store.start();
    expect(store.provider('lmstudio')).toMatchObject({ state: 'ok', local: true });
    expect(store.provider('nope')).toBeUndefined();
    listeners.health?.({
      overall: 'on_fallback',
      current: 'cloud/opus',
      providers: [
        { provider: 'cloud', state: 'ok', cooling: [], local: false },
        {
          provider: 'lmstudio',
          state: 'down',
          reason: 'unreachable',
          cooling: [],
          local: true,
          reachable: false,
          checkedMs: 1,
        },
        {
          provider: 'other',
          state: 'cooldown',
          reason: 'rate_limit',
          cooling: ['other/x'],
          local: false,
        },
      ],
    });
    expect(store.summary.detail).toBe('cloud/opus · lmstudio not reachable · other resting');
    expect(store.provider('lmstudio')).toMatchObject({ state: 'down', reachable: false });
  });

  it('keeps an event that arrived before the reply to its own request', async () => {
    const { api, listeners } = backend(primary);
    const slow: RouteStatusBackend = {
      ...api,
      routeHealth: () => {
        listeners.health?.({ overall: 'no_route', providers: [primary.providers[0]!] });
        return Promise.resolve(primary);
      },
    };
    const store = new RouteStatusStore(slow);
    await store.start();
    expect(store.summary.label).toBe('No route');
  });

  it('stays unknown without a router, and stops listening on stop', async () => {
    const { api, stopped } = backend(new Error('no bridge'));
    const store = new RouteStatusStore(api);
    await store.start();
    expect(store.summary.tone).toBe('unknown');
    store.stop();
    expect(stopped()).toBe(2);
  });

  it('lists the running local servers of the last scan', async () => {
    const { api, listeners } = backend(primary);
    const store = new RouteStatusStore(api);
    await store.start();
    expect(store.localServers).toBeUndefined();
    const server = (kind: 'lmstudio' | 'ollama', status: 'running' | 'not_running', n: number) =>
      ({ kind, status, models: Array.from({ length: n }) }) as unknown as ScanReport['servers'][0];
    listeners.servers?.({
      servers: [server('lmstudio', 'running', 2), server('ollama', 'not_running', 0)],
      suggested: null,
    });
    expect(store.localServers).toBe('LM Studio (2)');
    expect(store.scannedAt).toBeTypeOf('number');
    listeners.servers?.({ servers: [server('ollama', 'not_running', 0)], suggested: null });
    expect(store.localServers).toBe('No server on the usual ports');
  });
});
