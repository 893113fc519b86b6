import { t } from '../../lib/i18n/i18n.svelte';
/** The detection intervals offered, in seconds (0 is off); the core allows 0 or 5–3600. */
export const INTERVALS: readonly number[] = [0, 10, 30, 60, 300, 900, 3600];

/** `secs` for people: "Off", "30 seconds", "5 minutes", "1 hour". */
export function intervalLabel(secs: number): string {
  if (secs === 0) return t('settings.off');
  if (secs % 3600 === 0) return t('settings.hours', { count: secs / 3600 });
  if (secs % 60 === 0) return t('settings.minutes', { count: secs / 60 });
  return t('settings.seconds', { count: secs });
}

/** The choices to show: the offered ones, plus `current` when it was set some other way. */
export function intervalChoices(current: number): number[] {
  return INTERVALS.includes(current)
    ? [...INTERVALS]
    : [...INTERVALS, current].sort((a, b) => a - b);
}
