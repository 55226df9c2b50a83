import type { Observation } from '../github/rate-headers.js';
import type { Cost } from './limits.js';

/**
 * One identity's budget as data: every reservation granted, and what GitHub's refusals and
 * headers said. Times are epoch milliseconds on our clock; GitHub's spans are converted with
 * `clockRate`.
 */

/** A reservation: `cost` may be spent from `at`; it counts as in flight until `leaseEnd`. */
export interface Grant extends Cost {
  key: string;
  at: number;
  leaseEnd: number;
  /** Claimed: its requests went out at `at` (a slot still to come is only a plan). */
  sent: boolean;
}

/** The primary window as GitHub's x-ratelimit-* headers last described it. */
export interface PrimaryWindow {
  limit: number;
  remaining: number;
  resetAt: number;
  /** When those headers were read: grants still in flight then are not in `remaining` yet. */
  observedAt: number;
}

export interface BudgetState {
  /** Ascending by `at`: grants are handed out first come, first served. */
  grants: Grant[];
  /** No request before this (a refusal's retry-after). */
  blockedUntil: number;
  /** After a refusal every secondary limit is scaled down by `factor` until `until`. */
  tightening: { factor: number; until: number } | null;
  primary: PrimaryWindow | null;
}

export const emptyBudget = (): BudgetState => ({
  grants: [],
  blockedUntil: 0,
  tightening: null,
  primary: null,
});

/** What an activity reports once its requests are done. */
export interface Settlement {
  key: string;
  observed?: Observation;
  /** GitHub refused a request anyway; `waitMs` is GitHub's (retry-after or the reset), in GitHub ms. */
  refused?: { kind: 'primary' | 'secondary'; waitMs?: number };
}

/**
 * A reservation's slot, when its write may be sent (at most half a second after the slot), and
 * when its lease ends: after that the reservation no longer holds the next write back.
 */
export interface Reserved {
  state: BudgetState;
  at: number;
  writeFrom: number;
  leaseEnd: number;
}

/** Whether GitHub has described the current primary window: before that, its remaining is unknown. */
export const knowsPrimary = (state: BudgetState, now: number): boolean =>
  state.primary !== null && now < state.primary.resetAt;
