import { type BudgetLimits, type Cost, HOUR_MS } from './limits.js';
import { concurrencySlot, earliestSlot, slotFrom, spanOf, writeFrom } from './slots.js';
import type { BudgetState, Grant, Reserved } from './state.js';

/**
 * Reservations of one identity's budget, as pure functions: each returns the new state with the
 * grant in its place (the store persists it). Where a grant goes is worked out in slots.ts.
 */

/** Forgets what can no longer affect a window: grants older than an hour and no longer in flight. */
export function prune(state: BudgetState, limits: BudgetLimits, now: number): BudgetState {
  const horizon = now - spanOf(limits, HOUR_MS);
  return {
    ...state,
    grants: state.grants.filter((grant) => grant.at > horizon || grant.leaseEnd > now),
    tightening: state.tightening && state.tightening.until > now ? state.tightening : null,
  };
}

/**
 * Grants `cost` at the earliest slot and records it under `key`. The same key gets the same
 * slot again: an activity that was told to wait comes back with its key and uses its slot.
 */
export function reserve(
  state: BudgetState,
  limits: BudgetLimits,
  now: number,
  key: string,
  cost: Cost,
): Reserved {
  const existing = state.grants.find((grant) => grant.key === key);
  if (existing) return claim(state, limits, now, existing);
  const pruned = prune(state, limits, now);
  const at = earliestSlot(pruned, limits, now, cost);
  return granted(pruned, limits, now, { key, at, ...cost }, writeFrom(pruned.grants, limits, at, cost));
}

/** `pruned` with a new grant at `slot.at`, in its place among the slots; sent if that is now. */
function granted(
  pruned: BudgetState,
  limits: BudgetLimits,
  now: number,
  slot: Omit<Grant, 'leaseEnd' | 'sent'>,
  from: number,
): Reserved {
  const grant: Grant = { ...slot, leaseEnd: slot.at + limits.leaseMs, sent: slot.at <= now };
  const grants = [...pruned.grants, grant].sort((a, b) => a.at - b.at);
  return { state: { ...pruned, grants }, at: grant.at, writeFrom: from, leaseEnd: grant.leaseEnd };
}

/** A look at GitHub's primary window is a read in flight like any other (GitHub does not count it). */
const LOOK: Cost = { writes: 0, reads: 1 };

/**
 * Reserves a look at GitHub's primary window (GET /rate_limit, which GitHub's limit does not
 * count): it needs only a place among the requests that went and are still in flight, from now.
 * It does not queue behind the slots planned so far, as a request does (first come, first
 * served): past a reset, a train's writes claiming their slots would otherwise each be told to
 * wait for the train's last slot before learning the new window.
 */
export function reserveLook(state: BudgetState, limits: BudgetLimits, now: number, key: string): Reserved {
  const pruned = prune(state, limits, now);
  const sent = pruned.grants.filter((grant) => grant.sent);
  const at = concurrencySlot(sent, limits, now, Math.max(now, pruned.blockedUntil));
  return granted(pruned, limits, now, { key, at, ...LOOK }, at);
}

/**
 * A slot decided earlier, claimed when it comes. Every window is checked again against what has
 * happened since: the requests sent before it as they actually went (a timer that fired late, a
 * busy worker: each claim records its moment), and the primary window as GitHub has described it
 * since (another client may have spent it). If it still fits, it is sent now; otherwise it moves
 * to where it fits. Later slots are only plans until claimed, and each is checked the same way.
 */
function claim(state: BudgetState, limits: BudgetLimits, now: number, grant: Grant): Reserved {
  if (now < grant.at) return { state, at: grant.at, writeFrom: grant.at, leaseEnd: grant.leaseEnd };
  const others = { ...state, grants: state.grants.filter((other) => other !== grant) };
  const sent = others.grants.filter((other) => other.sent);
  const before = (t: number) => sent.filter((other) => other.at <= t);
  const at = slotFrom(others, limits, now, grant, now, before);
  const claimed = { ...grant, at, leaseEnd: at + limits.leaseMs, sent: at <= now };
  const grants = [...others.grants, claimed].sort((a, b) => a.at - b.at);
  const from = writeFrom(before(at), limits, at, grant);
  return { state: { ...others, grants }, at, writeFrom: from, leaseEnd: claimed.leaseEnd };
}
