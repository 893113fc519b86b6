import { formatUsd } from '../../lib/i18n/format';
import { t } from '../../lib/i18n/i18n.svelte';
import type { BudgetWarning, ChatTrail, Destination } from '../../lib/ipc';

/** How one destination reads: its host, with a note for a local server that may forward. */
export function placeText(d: Destination): string {
  return d.place === 'may_forward' ? t('privacy.mayForward', { host: d.host }) : d.host;
}

/** The quiet line under an answer: "Stayed on this machine" or "Sent to api.example.com". */
export function trailSummary(trail: ChatTrail): string {
  if (!trail.leftMachine) return t('privacy.stayed');
  const hosts = trail.destinations.filter((d) => d.leftMachine).map(placeText);
  return t('privacy.sentTo', { hosts: hosts.join(', ') });
}

/** One attempt's details: host, region, whether a key went with it. */
export function destinationDetails(d: Destination): string {
  const parts = [placeText(d)];
  if (d.region) parts.push(t('privacy.region', { region: d.region }));
  parts.push(d.keySent ? t('privacy.keySent') : t('privacy.noKey'));
  return parts.join(' · ');
}

/** A budget warning under an answer, in the window's language (core sends it as data). */
export function budgetWarningText(w: BudgetWarning): string {
  const values = { percent: w.percent, spent: formatUsd(w.spentUsd), limit: formatUsd(w.limitUsd) };
  if (w.provider === null) {
    return t(w.period === 'day' ? 'privacy.warnOverallDay' : 'privacy.warnOverallMonth', values);
  }
  const own = { ...values, provider: w.provider };
  return t(w.period === 'day' ? 'privacy.warnProviderDay' : 'privacy.warnProviderMonth', own);
}
