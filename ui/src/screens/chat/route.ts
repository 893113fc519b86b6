/**
 * The route badge under an answer: which model answered and what failed before it, e.g.
 * "anthropic/claude-opus-4-6: rate-limited → answered by lmstudio/minimax-m2.1-gs32".
 */
import type { RouteAttempt } from '../../lib/ipc';

/** One attempt as the view keeps it (from a `route` event or the saved history). */
export interface ViewAttempt {
  model: string;
  outcome: RouteAttempt['outcome'];
  reason: string | null;
  status: number | null;
}

const REASONS: Record<string, string> = {
  rate_limit: 'rate-limited',
  cooldown: 'cooling down',
  connection: 'unreachable',
  timeout: 'timed out',
  auth: 'key rejected',
  billing: 'billing problem',
  forbidden: 'forbidden',
  not_found: 'model not found',
  overloaded: 'overloaded',
  server: 'server error',
  context_overflow: 'context too small',
  bad_request: 'request rejected',
  config: 'not configured',
  protocol: 'bad reply',
  truncated: 'reply cut off',
  cancelled: 'cancelled',
};

/** A failure reason for people. */
export function reasonLabel(a: ViewAttempt): string {
  const reason = a.reason ?? (a.outcome === 'skipped' ? 'skipped' : 'failed');
  return REASONS[reason] ?? reason.replaceAll('_', ' ');
}

/** The badge's steps, oldest first. */
export function routeSteps(route: ViewAttempt[]): string[] {
  const steps: string[] = [];
  route.forEach((a, i) => {
    const before = route[i - 1];
    if (a.outcome === 'ok') {
      steps.push(`answered by ${a.model}`);
    } else if (before?.outcome === 'ok' && before.model === a.model) {
      steps[steps.length - 1] = `${a.model}: broke off mid-answer (${reasonLabel(a)})`;
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
