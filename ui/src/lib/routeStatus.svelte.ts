/**
 * What the window shows of the router and the local servers outside any one screen: the route
 * health (the same state the tray icon follows, so a desktop without a tray host sees it too)
 * and the last scan of the local servers (tray "Re-detect" or the background watch).
 */
import { t } from './i18n/i18n.svelte';
import { defineContext } from './context';
import * as ipc from './ipc';
import type { ProviderHealth, RouteHealth, ScanReport } from './ipc';
import { serverName } from './servers';

export type RouteStatusBackend = Pick<
  typeof ipc,
  'routeHealth' | 'onRouteHealth' | 'onLocalServers'
>;

export interface RouteSummary {
  tone: 'ok' | 'warn' | 'bad' | 'unknown';
  label: string;
  detail: string;
}

export class RouteStatusStore {
  #health = $state<RouteHealth | undefined>();
  #servers = $state<ScanReport | undefined>();
  /** When the last scan arrived (ms since epoch). */
  #scannedAt = $state<number | undefined>();
  readonly #api: RouteStatusBackend;
  #stops: (() => void)[] = [];
  #stopped = false;

  constructor(api: RouteStatusBackend = ipc) {
    this.#api = api;
  }

  get health(): RouteHealth | undefined {
    return this.#health;
  }

  /** Provider `id`'s health (reachability, cooldown), once the router reported it. */
  provider(id: string): ProviderHealth | undefined {
    return this.#health?.providers.find((p) => p.provider === id);
  }

  get servers(): ScanReport | undefined {
    return this.#servers;
  }

  get scannedAt(): number | undefined {
    return this.#scannedAt;
  }

  /** Listens first, then asks, so a change between the two is not missed. */
  async start(): Promise<void> {
    const stops = await Promise.all([
      this.#api.onRouteHealth((health) => {
        this.#health = health;
      }),
      this.#api.onLocalServers((report) => {
        this.#servers = report;
        this.#scannedAt = Date.now();
      }),
    ]);
    if (this.#stopped) {
      for (const stop of stops) stop();
      return;
    }
    this.#stops = stops;
    try {
      const now = await this.#api.routeHealth();
      // An event that arrived while asking is newer than the reply.
      this.#health ??= now;
    } catch {
      // No router (outside the app, or it failed to start): the chip stays "unknown".
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const stop of this.#stops) stop();
    this.#stops = [];
  }

  get summary(): RouteSummary {
    const health = this.#health;
    if (!health) return { tone: 'unknown', label: t('route.checking'), detail: '' };
    const current = health.current ?? '';
    switch (health.overall) {
      case 'on_primary':
        return { tone: 'ok', label: t('route.ready'), detail: current };
      case 'on_fallback': {
        const names = (unreachable: boolean) =>
          health.providers
            .filter((p) => p.state !== 'ok' && (p.reason === 'unreachable') === unreachable)
            .map((p) => p.provider)
            .join(', ');
        const parts = [current];
        const down = names(true);
        const resting = names(false);
        if (down) parts.push(t('route.notReachable', { names: down }));
        if (resting) parts.push(t('route.resting', { names: resting }));
        return { tone: 'warn', label: t('route.onFallback'), detail: parts.join(' · ') };
      }
      case 'no_route':
        return {
          tone: 'bad',
          label: t('route.noRoute'),
          detail: health.providers.length === 0 ? t('route.runSetup') : t('route.allResting'),
        };
    }
  }

  /** "LM Studio, Ollama" from the last scan; undefined before the first. */
  get localServers(): string | undefined {
    const report = this.#servers;
    if (!report) return undefined;
    const running = report.servers.filter((s) => s.status === 'running');
    if (running.length === 0) return t('route.noServer');
    return running
      .map((s) => t('route.serverModels', { name: serverName(s), count: s.models.length }))
      .join(', ');
  }
}

export const routeStatusContext = defineContext<RouteStatusStore>('RouteStatusStore');
