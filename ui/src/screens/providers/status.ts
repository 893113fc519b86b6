/**
 * A provider's status line on its card, from the route health: whether it answers (probes of
 * local servers, successful answers), and whether it is resting after errors. Hosted providers
 * are never probed, so until one answers a request it is "Not checked".
 */
import { errorLabel } from '../../lib/errorLabels';
import type { ProviderHealth } from '../../lib/ipc';

export interface ProviderStatus {
  tone: 'ok' | 'warn' | 'bad' | 'unknown';
  label: string;
}

/** `HH:MM` (24-hour, local time) of Unix ms `ms`. */
export function clock(ms: number): string {
  const at = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}`;
}

export function providerStatus(health: ProviderHealth | undefined): ProviderStatus {
  if (!health) return { tone: 'unknown', label: 'Not checked' };
  const until = health.untilMs === undefined ? '' : ` until ${clock(health.untilMs)}`;
  if (health.state === 'down' && health.reason === 'unreachable') {
    const checked = health.checkedMs === undefined ? '' : ` (checked ${clock(health.checkedMs)})`;
    return { tone: 'bad', label: `Not reachable${checked}` };
  }
  if (health.state === 'down') {
    return { tone: 'bad', label: `Not reachable · resting${until}` };
  }
  if (health.state === 'cooldown') {
    return { tone: 'warn', label: `Resting${until} · ${errorLabel(health.reason)}` };
  }
  if (health.reachable === true) {
    const when = health.checkedMs === undefined ? '' : clock(health.checkedMs);
    const suffix = when === '' ? '' : health.local ? ` · checked ${when}` : ` · answered ${when}`;
    return { tone: 'ok', label: `Reachable${suffix}` };
  }
  return { tone: 'unknown', label: 'Not checked' };
}
