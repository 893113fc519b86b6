import { afterEach, describe, expect, it } from 'vitest';
import { applyLanguage } from '../../lib/i18n/i18n.svelte';
import type { BudgetWarning } from '../../lib/ipc';
import { budgetWarningText } from './trail';

const cloudToday: BudgetWarning = {
  provider: 'cloud',
  period: 'day',
  spentUsd: 0.85,
  limitUsd: 1,
  percent: 85,
};

afterEach(() => applyLanguage('en'));

describe('budget warning', () => {
  it("says a provider's budget as core does in English", () => {
    expect(budgetWarningText(cloudToday)).toBe(
      "85 % of cloud's daily budget is used ($0.85 of $1.00)",
    );
  });

  it('says the overall monthly budget, with cents below a cent', () => {
    const overall: BudgetWarning = {
      provider: null,
      period: 'month',
      spentUsd: 0.0042,
      limitUsd: 0.005,
      percent: 84,
    };
    expect(budgetWarningText(overall)).toBe(
      '84 % of the overall monthly budget is used ($0.0042 of $0.0050)',
    );
  });

  it('says it in Korean in a Korean window', () => {
    applyLanguage('ko');
    expect(budgetWarningText(cloudToday)).toBe(
      'cloud의 일일 예산 중 85%를 썼습니다 ($1.00 중 $0.85)',
    );
  });
});
