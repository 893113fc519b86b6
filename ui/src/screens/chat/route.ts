/**
 * The route badge under an answer: which model answered and what failed before it, e.g.
 * "anthropic/claude-opus-4-6: rate-limited → answered by lmstudio/minimax-m2.1-gs32".
 */
import { t } from '../../lib/i18n/i18n.svelte';
import { errorLabel } from '../../lib/errorLabels';
import type { ErrorKind, RouteAttempt, RouteAttemptReason } from '../../lib/ipc';

/** One attempt as the view keeps it (from a `route` event or the saved history). */
export interface ViewAttempt {
  model: string;
  outcome: RouteAttempt['outcome'];
  reason: RouteAttemptReason | null;
  status: number | null;
}

/** A failure reason for people. */
export function reasonLabel(a: ViewAttempt): string {
  return errorLabel(a.reason, a.outcome === 'skipped' ? t('error.skipped') : t('error.failed'));
}

/** The badge's steps, oldest first. */
export function routeSteps(route: ViewAttempt[]): string[] {
  const steps: string[] = [];
  route.forEach((a, i) => {
    const before = route[i - 1];
    if (a.outcome === 'ok') {
      steps.push(t('chat.answeredBy', { model: a.model }));
    } else if (before?.outcome === 'ok' && before.model === a.model) {
      steps[steps.length - 1] = t('chat.brokeOff', { model: a.model, reason: reasonLabel(a) });
    } else {
      steps.push(`${a.model}: ${reasonLabel(a)}`);
    }
  });
  return steps;
}

/** The whole badge text ('' without attempts). */
export function routeSummary(route: ViewAttempt[]): string {
  return routeSteps(route).join(' → ');
}

/** The words of the Providers button a failed answer offers for its error kind, if any. */
export function providersAction(kind: ErrorKind | RouteAttemptReason | null): string | null {
  switch (kind) {
    case 'auth':
    case 'billing':
    case 'forbidden':
      return t('chat.setKey');
    case 'config':
    case 'connection':
    case 'not_found':
    case 'timeout':
    case 'unsupported':
      return t('chat.openProviders');
    default:
      return null;
  }
}
