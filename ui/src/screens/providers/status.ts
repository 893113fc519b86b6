/**
 * A provider's status line on its card, from the route health: whether it answers (probes of
 * local servers, successful answers), and whether it is resting after errors. Hosted providers
 * are never probed, so until one answers a request it is "Not checked".
 */
import { formatClock, t } from '../../lib/i18n/i18n.svelte';
import { errorLabel } from '../../lib/errorLabels';
import type { ProviderHealth } from '../../lib/ipc';

export interface ProviderStatus {
  tone: 'ok' | 'warn' | 'bad' | 'unknown';
  label: string;
}

/** `HH:MM` (24-hour, local time) of Unix ms `ms`. */
export const clock = formatClock;

export function providerStatus(health: ProviderHealth | undefined): ProviderStatus {
  if (!health) return { tone: 'unknown', label: t('status.notChecked') };
  const until = health.untilMs === undefined ? undefined : clock(health.untilMs);
  if (health.state === 'down' && health.reason === 'unreachable') {
    const label =
      health.checkedMs === undefined
        ? t('status.notReachable')
        : t('status.notReachableChecked', { time: clock(health.checkedMs) });
    return { tone: 'bad', label };
  }
  if (health.state === 'down') {
    const label =
      until === undefined ? t('status.downResting') : t('status.downRestingUntil', { time: until });
    return { tone: 'bad', label };
  }
  if (health.state === 'cooldown') {
    const reason = errorLabel(health.reason);
    const label =
      until === undefined
        ? t('status.resting', { reason })
        : t('status.restingUntil', { time: until, reason });
    return { tone: 'warn', label };
  }
  if (health.reachable === true) {
    if (health.checkedMs === undefined) return { tone: 'ok', label: t('status.reachable') };
    const time = clock(health.checkedMs);
    const label = health.local
      ? t('status.reachableChecked', { time })
      : t('status.reachableAnswered', { time });
    return { tone: 'ok', label };
  }
  return { tone: 'unknown', label: t('status.notChecked') };
}
