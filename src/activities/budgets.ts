import { setTimeout as delay } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { BudgetLimits, Cost } from '../budgets/limits.js';
import { settle } from '../budgets/settle.js';
import { type BudgetState, knowsPrimary, type Settlement } from '../budgets/state.js';
import type { BudgetStore } from '../budgets/store.js';
import { reserve, reserveLook } from '../budgets/windows.js';
import { Code } from '../codes.js';
import { type Observation, rateLimitObservation } from '../github/rate-headers.js';
import type { BudgetWaitDetails, RateLimitDetails } from '../shared.js';
import { authorizationNow } from './authorization-window.js';
import { expiredDuringExecution } from './github/failures.js';

/** Every identity's budget, in the store all workers of the deployment share. */
export interface Budgets {
  store: BudgetStore;
  limits: BudgetLimits;
}

type Headers = Parameters<typeof rateLimitObservation>[0];

/** What a reservation's requests keep to: GitHub's rate-limit headers go to `onHeaders`. */
export interface Pace {
  onHeaders: (headers: Headers) => void;
  /**
   * Resolves when the write may be sent (at most half a second after the slot, under best
   * practices), or fails, sending nothing, when the reservation's lease is (nearly) over.
   */
  beforeWrite: () => Promise<void>;
}

/**
 * The reservation of this attempt: the workflow's key on a first attempt, a key of its own
 * on each retry (a retry sends again, so it spends again).
 */
function reservationKey(reservation: string): string {
  const { attempt } = Context.current().info;
  return attempt === 1 ? reservation : `${reservation}#${attempt}`;
}

/**
 * Ends the attempt before anything is sent; the workflow sleeps on a durable timer until the
 * slot and calls again with its key.
 */
function budgetWait(waitMs: number, reservation: string): ApplicationFailure {
  const details: BudgetWaitDetails & RateLimitDetails = { waitMs, reservation };
  return ApplicationFailure.create({
    type: Code.GITHUB_BUDGET_WAIT,
    message: `This GitHub identity's budget has room for the request in ${waitMs} ms (nothing was sent)`,
    nonRetryable: true,
    details: [details],
    // Expected control flow, not an error: kept out of failure metrics; the worker logs it as one info line.
    category: ApplicationFailureCategory.BENIGN,
  });
}

/**
 * Past its lease (the activity's start-to-close timeout from its slot: GITHUB_ACTIVITY_TIMEOUT_MS, or
 * an upload's longer one) a reservation no longer holds the next write back, so a write sent then could overlap the next:
 * a slow activity ends its attempt sending nothing, and its retry reserves again. The margin
 * leaves the write its time to reach GitHub within the lease.
 */
function assertWithinLease(leaseEnd: number, limits: BudgetLimits): void {
  if (authorizationNow() <= leaseEnd - limits.marginMs) return;
  throw ApplicationFailure.retryable(
    `This activity reached its GitHub write after its budget reservation's lease ended, so nothing was sent; the retry reserves again`,
    Code.GITHUB_BUDGET_LEASE_ENDED,
  );
}

function refusalOf(error: unknown): Settlement['refused'] {
  if (!(error instanceof ApplicationFailure)) return undefined;
  const waitMs = (error.details?.[0] as RateLimitDetails | undefined)?.waitMs;
  if (error.type === Code.GITHUB_PRIMARY_RATE_LIMIT) return { kind: 'primary', waitMs };
  if (error.type === Code.GITHUB_SECONDARY_RATE_LIMIT) return { kind: 'secondary', waitMs };
  return undefined;
}

export interface Spend {
  identity: string;
  reservation: string;
  cost: Cost;
  /**
   * The lease of a write whose activity runs longer than the usual (an upload): its start-to-close
   * timeout, as the module states it. Its reservation counts as in flight that long, so no other
   * write's slot is planned under an upload that may still be sending.
   */
  leaseMs?: number | undefined;
  notAfter: number;
  /** GitHub's current primary window (GET /rate_limit, which its limit does not count). */
  lookUp: () => Promise<Observation | undefined>;
}

/** A reservation's slot, the moment it was decided, when its write may be sent and when its lease ends. */
interface Slot {
  at: number;
  now: number;
  writeFrom: number;
  leaseEnd: number;
}

/**
 * The reservation's slot. Until GitHub has described the identity's current primary window (its
 * first use, or past a reset), another client may have spent most of it: the budget looks first
 * rather than assume it is whole, so a train's first burst cannot run into a window already spent.
 * The look is a reservation of its own, so looks count among the requests in flight; it does not
 * queue behind the slots planned so far (a write claiming its slot past a reset looks at once).
 * With no room for one now, the activity is told to wait until there is, reserving nothing. The
 * moment is read under the store's lock: one read before the look (or the wait for the lock)
 * would trail the grants made meanwhile, and first come, first served would turn it into a wait.
 */
async function reserveSlot(budgets: Budgets, spend: Spend, key: string): Promise<Slot> {
  const { identity, cost, notAfter } = spend;
  const { limits, store } = budgets;
  const leased = spend.leaseMs === undefined ? limits : { ...limits, leaseMs: spend.leaseMs };
  const slotIn = (state: BudgetState, now: number) => {
    const granted = reserve(state, leased, now, key, cost);
    // A slot at or after exp would never be used: it is not kept, so it delays no one.
    const kept = granted.at < notAfter ? granted.state : state;
    const { at, writeFrom, leaseEnd } = granted;
    return { state: kept, result: { at, now, writeFrom, leaseEnd } };
  };
  const lookKey = `${key}/rate-limit`;
  const first = await store.update<Slot | 'look'>(identity, (state) => {
    const now = authorizationNow();
    if (knowsPrimary(state, now)) return slotIn(state, now);
    const look = reserveLook(state, limits, now, lookKey);
    if (look.at <= now) return { state: look.state, result: 'look' };
    // No room to look now: come back when there is, reserving nothing meanwhile.
    return { state, result: { at: look.at, now, writeFrom: look.at, leaseEnd: look.leaseEnd } };
  });
  if (first !== 'look') return first;
  // Settling the look frees its place among the requests in flight and records what GitHub said.
  const looked = (state: BudgetState, now: number, observed?: Observation) =>
    settle(state, limits, now, { key: lookKey, ...(observed ? { observed } : {}) });
  const observed = await spend.lookUp().catch(async (error: unknown) => {
    await store.update(identity, (state) => ({
      state: looked(state, authorizationNow()),
      result: undefined,
    }));
    throw error;
  });
  return store.update(identity, (state) => {
    const now = authorizationNow();
    return slotIn(looked(state, now, observed), now);
  });
}

/**
 * Runs `body` (one activity's GitHub requests) on a reservation of `cost` in `identity`'s
 * budget, written to the shared store before any request is sent. Without room now, nothing
 * is sent and the attempt ends with a budget wait on a durable timer; only the last fraction of
 * a second before a write (a gap after the previous one ended) is waited in the worker, and a
 * write reached after the reservation's lease is not sent. Once the requests are done, the
 * reservation is settled with GitHub's last rate-limit headers and any refusal, which tightens
 * the identity's budget.
 */
export async function withBudget<T>(
  budgets: Budgets,
  spend: Spend,
  body: (pace: Pace) => Promise<T>,
): Promise<T> {
  const { identity, reservation, notAfter } = spend;
  const key = reservationKey(reservation);
  const { at, now, writeFrom, leaseEnd } = await reserveSlot(budgets, spend, key);
  if (at >= notAfter) {
    throw expiredDuringExecution(`this GitHub identity's budget has no room before then (nothing was sent)`);
  }
  if (at > now) throw budgetWait(Math.ceil(at - now), key);
  const settlement: Settlement = { key };
  try {
    return await body({
      onHeaders: (headers) => {
        settlement.observed = rateLimitObservation(headers) ?? settlement.observed;
      },
      beforeWrite: async () => {
        // The only wait in a worker, under half a second: see writeLead in src/budgets/slots.ts.
        await delay(Math.max(0, writeFrom - authorizationNow()));
        assertWithinLease(leaseEnd, budgets.limits);
      },
    });
  } catch (error) {
    settlement.refused = refusalOf(error);
    throw error;
  } finally {
    // The write's outcome matters more than this bookkeeping: if the store fails now, the
    // reservation's lease simply runs out, and the next response's headers correct the rest.
    await budgets.store
      .update(identity, (state) => ({
        state: settle(state, budgets.limits, authorizationNow(), settlement),
        result: undefined,
      }))
      .catch(() => undefined);
  }
}
