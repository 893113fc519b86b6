// The router's policies as the IPC shows them: where an answer went (the privacy trail),
// budgets and spend. Mirrors `switchboard_core::policy`; the Rust contract test in
// `src-tauri/src/models/tests.rs` checks the fields.

/** Where a request went: this machine, a local server that may forward it, or elsewhere. */
export type Place = 'this_machine' | 'may_forward' | 'leaves';

/** The privacy trail of one attempt that was sent. */
export interface Destination {
  /** `host[:port]`, no path, query or credentials. */
  host: string;
  place: Place;
  /** Anything but `this_machine`. */
  leftMachine: boolean;
  /** The region the URL names (`us-east-1`, `eu`), when it names one. */
  region?: string;
  /** Whether an API key went with it. */
  keySent: boolean;
}

/** The privacy trail of a turn. */
export interface ChatTrail {
  leftMachine: boolean;
  destinations: Destination[];
}

/** A spending limit in USD; null: none. */
export interface Budget {
  dailyUsd: number | null;
  monthlyUsd: number | null;
}

/** One overall budget and one per provider id. */
export interface Budgets {
  overall: Budget;
  providers: Record<string, Budget>;
}

export type Standing = 'ok' | 'warning' | 'over';

/** A budget's period. */
export type BudgetPeriod = 'day' | 'month';

/** A budget at 80 % or more of its limit (a chat's `warning` event). */
export interface BudgetWarning {
  /** Whose budget: a provider id, or null for the overall one. */
  provider: string | null;
  period: BudgetPeriod;
  spentUsd: number;
  limitUsd: number;
  /** The share used, in whole percent. */
  percent: number;
}

/** Spend of one provider (or of all: `provider` null) against its budget. */
export interface SpendLine {
  provider: string | null;
  todayUsd: number;
  monthUsd: number;
  /** Answers whose price is unknown (a hosted model without rates): not counted, not free. */
  unknownToday: number;
  unknownMonth: number;
  budget: Budget;
  standing: Standing;
}

/** What `spend_report` returns. */
export interface SpendReport {
  /** `YYYY-MM-DD`, local. */
  day: string;
  /** `YYYY-MM`, local. */
  month: string;
  overall: SpendLine;
  providers: SpendLine[];
}
