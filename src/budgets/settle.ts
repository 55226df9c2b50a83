import type { Observation } from '../github/rate-headers.js';
import { SECONDARY_RATE_LIMIT_WAIT_MS } from '../shared.js';
import { type BudgetLimits, HOUR_MS, TIGHTEN, TIGHTEST } from './limits.js';
import { spanOf, tighteningFactor } from './slots.js';
import type { BudgetState, Grant, PrimaryWindow, Settlement } from './state.js';

/**
 * A later x-ratelimit-reset within this much of the known one is the same window: the reset is
 * computed from two one-second-resolution values (the reset and Date), so one window's reset
 * seen in two responses may differ by up to two seconds.
 */
const RESET_JITTER_MS = 2_000;

/** A new window when the reset moved on; within a window, the lowest remaining is the latest news. */
function observe(
  primary: PrimaryWindow | null,
  limits: BudgetLimits,
  now: number,
  observed: Observation,
): PrimaryWindow {
  const resetAt = now + observed.resetInMs / limits.clockRate;
  const latest = { limit: observed.limit, remaining: observed.remaining, resetAt, observedAt: now };
  if (!primary || resetAt > primary.resetAt + spanOf(limits, RESET_JITTER_MS)) return latest;
  return observed.remaining < primary.remaining ? { ...latest, resetAt: primary.resetAt } : primary;
}

/** The settled grant counts from now at the latest and is no longer in flight. */
const settled = (grant: Grant, now: number): Grant => ({
  ...grant,
  at: Math.max(grant.at, Math.min(now, grant.leaseEnd)),
  leaseEnd: Math.min(grant.leaseEnd, now),
  sent: true,
});

/** A secondary refusal: no request until GitHub's wait is over, and tighter limits (TIGHTEN, limits.ts) for an hour. */
function afterSecondaryRefusal(
  state: BudgetState,
  limits: BudgetLimits,
  now: number,
  waitMs: number | undefined,
): Pick<BudgetState, 'blockedUntil' | 'tightening'> {
  const blockedUntil = Math.max(
    state.blockedUntil,
    now + (waitMs ?? SECONDARY_RATE_LIMIT_WAIT_MS) / limits.clockRate,
  );
  const factor = Math.max(TIGHTEST, tighteningFactor(state, now) * TIGHTEN);
  return { blockedUntil, tightening: { factor, until: now + HOUR_MS / limits.clockRate } };
}

/** A primary refusal: the window is spent until GitHub's reset. */
function afterPrimaryRefusal(
  primary: PrimaryWindow | null,
  limits: BudgetLimits,
  now: number,
  waitMs: number | undefined,
): PrimaryWindow {
  const limit = primary?.limit ?? limits.primaryPerHour;
  // Without x-ratelimit-reset, the window's whole hour is the longest GitHub can mean (PRIMARY_WINDOW in limits.ts).
  const resetAt = now + (waitMs ?? HOUR_MS) / limits.clockRate;
  return { limit, remaining: 0, resetAt, observedAt: now };
}

/**
 * An activity is done with its reservation: it no longer counts as in flight, and it counts
 * in the windows from now at the latest (a write that went out late must not let the next
 * one go early). GitHub's headers correct the primary window; a refusal blocks until the
 * wait GitHub asked for and tightens the secondary limits for an hour.
 */
export function settle(
  state: BudgetState,
  limits: BudgetLimits,
  now: number,
  settlement: Settlement,
): BudgetState {
  const grants = state.grants
    .map((grant) => (grant.key === settlement.key ? settled(grant, now) : grant))
    .sort((a, b) => a.at - b.at);
  let { blockedUntil, tightening, primary } = state;
  if (settlement.observed) primary = observe(primary, limits, now, settlement.observed);
  const refused = settlement.refused;
  if (refused?.kind === 'secondary') {
    ({ blockedUntil, tightening } = afterSecondaryRefusal(state, limits, now, refused.waitMs));
  }
  if (refused?.kind === 'primary') primary = afterPrimaryRefusal(primary, limits, now, refused.waitMs);
  return { grants, blockedUntil, tightening, primary };
}
