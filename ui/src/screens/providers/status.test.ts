import { describe, expect, it } from 'vitest';
import type { ProviderHealth } from '../../lib/ipc';
import { clock, providerStatus } from './status';

/** Unix ms of today's `hours:minutes` in local time. */
function at(hours: number, minutes: number): number {
  const d = new Date();
  d.setHours(hours, minutes, 30, 0);
  return d.getTime();
}

function health(overrides: Partial<ProviderHealth>): ProviderHealth {
  return { provider: 'p', state: 'ok', cooling: [], local: true, ...overrides };
}

describe('providerStatus', () => {
  it('is "Not checked" before a probe or an answer', () => {
    expect(providerStatus(undefined)).toEqual({ tone: 'unknown', label: 'Not checked' });
    expect(providerStatus(health({ local: false }))).toEqual({
      tone: 'unknown',
      label: 'Not checked',
    });
  });

  it('says a local server is reachable, or not with the time of the check', () => {
    expect(providerStatus(health({ reachable: true, checkedMs: at(9, 5) }))).toEqual({
      tone: 'ok',
      label: 'Reachable · checked 09:05',
    });
    expect(
      providerStatus(
        health({ state: 'down', reason: 'unreachable', reachable: false, checkedMs: at(14, 7) }),
      ),
    ).toEqual({ tone: 'bad', label: 'Not reachable (checked 14:07)' });
  });

  it('says when a hosted provider last answered', () => {
    const answered = health({ local: false, reachable: true, checkedMs: at(23, 59) });
    expect(providerStatus(answered).label).toBe('Reachable · answered 23:59');
  });

  it('says until when a provider rests, and why', () => {
    const limited = health({
      state: 'cooldown',
      reason: 'rate_limit',
      untilMs: at(10, 30),
      cooling: ['p/m'],
    });
    expect(providerStatus(limited)).toEqual({
      tone: 'warn',
      label: 'Resting until 10:30 · rate-limited',
    });
    const refused = health({ state: 'down', reason: 'connection', untilMs: at(8, 0) });
    expect(providerStatus(refused)).toEqual({
      tone: 'bad',
      label: 'Not reachable · resting until 08:00',
    });
  });

  it('words the resting reason with the shared labels, and formats a 24-hour clock', () => {
    const broke = health({ state: 'cooldown', reason: 'connection', untilMs: at(10, 30) });
    expect(providerStatus(broke).label).toBe('Resting until 10:30 · unreachable');
    expect(providerStatus(health({ state: 'cooldown' })).label).toBe('Resting · failed');
    expect(clock(at(0, 3))).toBe('00:03');
  });
});
