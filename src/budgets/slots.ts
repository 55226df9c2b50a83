import { BEST_PRACTICES, type BudgetLimits, type Cost, HOUR_MS, MINUTE_MS } from './limits.js';
import type { BudgetState, Grant } from './state.js';

/**
 * Where the next request may go so that none of GitHub's windows is ever over, given every
 * reservation already granted: pure arithmetic over the grants of a `BudgetState`.
 */

interface Window {
  span: number;
  limit: number;
  weight: (cost: Cost) => number;
}

const requests = (cost: Cost) => cost.writes + cost.reads;
const points = (limits: BudgetLimits) => (cost: Cost) =>
  cost.writes * limits.writePoints + cost.reads * limits.readPoints;
/** A GitHub span on our clock, with the margin for a write that goes out late. */
export const spanOf = (limits: BudgetLimits, githubMs: number) =>
  githubMs / limits.clockRate + limits.marginMs;

export const tighteningFactor = (state: BudgetState, now: number) =>
  state.tightening && now < state.tightening.until ? state.tightening.factor : 1;

/**
 * The earliest t' ≥ t at which `cost` fits in a sliding window besides `grants`, all of which
 * are at or before t. GitHub counts a request at t in (t − span, t], as the sandbox does.
 */
function windowSlot(grants: readonly Grant[], window: Window, t: number, cost: Cost): number {
  const need = window.weight(cost);
  if (need === 0) return t;
  const limit = Math.max(window.limit, need);
  const inside = grants.filter((grant) => grant.at > t - window.span);
  let sum = inside.reduce((total, grant) => total + window.weight(grant), 0);
  if (sum + need <= limit) return t;
  for (const grant of inside) {
    sum -= window.weight(grant);
    if (sum + need <= limit) return grant.at + window.span;
  }
  return t;
}

/**
 * The earliest t' ≥ t with fewer reservations in flight than the pacing allows. Under best
 * practices only reservations that went count, and only for going now: a plan's lease (the
 * activity's whole timeout) would otherwise space a planned train by leases; with every place
 * taken it looks again a write gap later, and each plan is checked again when claimed.
 */
export function concurrencySlot(
  grants: readonly Grant[],
  limits: BudgetLimits,
  now: number,
  t: number,
): number {
  if (limits.pacing === 'best-practices') {
    const inFlight = grants.filter((grant) => grant.sent && grant.leaseEnd > t).length;
    return t > now || inFlight < BEST_PRACTICES.inFlight ? t : now + writeGap(limits);
  }
  const ends = grants
    .map((grant) => grant.leaseEnd)
    .filter((end) => end > t)
    .sort((a, b) => a - b);
  return ends.length < limits.concurrency ? t : (ends[ends.length - limits.concurrency] as number);
}

/** The gap between two writes of one identity, on our clock. */
const writeGap = (limits: BudgetLimits) =>
  (limits.pacing === 'best-practices'
    ? Math.max(BEST_PRACTICES.writeGapMs, limits.writeSpacingMs)
    : limits.writeSpacingMs) / limits.clockRate;

/**
 * How long before its write may go a write's activity may start; it waits the rest in the worker
 * just before sending it, so a durable timer's latency (tens of ms, more on a busy server) delays
 * no write. Half of GitHub's second between writes, whatever the operator's cap: the rest of a
 * longer gap is waited on a durable timer, and the wait in a worker stays under half a second.
 */
const writeLead = (limits: BudgetLimits) => (0.5 * BEST_PRACTICES.writeGapMs) / limits.clockRate;

/**
 * Under best practices, a write goes when no other write of the identity is in flight and at
 * least a gap after the previous one ended (settled, or its lease ran out: a write whose worker
 * died may have gone at any moment until then). A plan assumes a write still to come or still in
 * flight ends where it starts, and each claim checks again against the writes that went; at
 * `now`, one in flight means looking again a gap later. Under documented limits, only the
 * operator's cap spaces writes, from the previous one's slot.
 */
function writeSlot(
  grants: readonly Grant[],
  limits: BudgetLimits,
  now: number,
  t: number,
  cost: Cost,
): number {
  const gap = writeGap(limits);
  if (cost.writes === 0 || gap === 0) return t;
  const writes = grants.filter((grant) => grant.writes > 0);
  if (limits.pacing === 'documented-limits') {
    const last = writes.at(-1);
    return last ? Math.max(t, last.at + gap) : t;
  }
  let slot = t;
  for (const write of writes) {
    if (write.sent && write.leaseEnd <= now) slot = Math.max(slot, write.leaseEnd + gap - writeLead(limits));
    else if (write.sent && t <= now) slot = Math.max(slot, now + gap);
    else slot = Math.max(slot, write.at + gap);
  }
  return slot;
}

/**
 * When a write granted at `at` may be sent: a gap after every write that had ended by then.
 * Under best practices this is at most the lead (half a second) after `at`; otherwise it is `at`.
 */
export function writeFrom(grants: readonly Grant[], limits: BudgetLimits, at: number, cost: Cost): number {
  if (limits.pacing === 'documented-limits' || cost.writes === 0) return at;
  const gap = writeGap(limits);
  return grants
    .filter((grant) => grant.writes > 0 && grant.sent && grant.leaseEnd <= at)
    .reduce((from, write) => Math.max(from, write.leaseEnd + gap), at);
}

/**
 * Within a window GitHub described, what it said remains minus what we granted since (and
 * what was still in flight when it said so) must keep the reserve; otherwise wait for the
 * reset. Past the reset, until GitHub describes the new window, our own requests count in a
 * sliding hour, which is stricter than GitHub's fixed one.
 */
function primarySlot(state: BudgetState, limits: BudgetLimits, t: number, cost: Cost): number {
  const primary = state.primary;
  const limit = primary?.limit ?? limits.primaryPerHour;
  const reserve = Math.ceil(limit * limits.primaryReserve);
  if (primary && t < primary.resetAt) {
    const spent = state.grants
      .filter((grant) => grant.leaseEnd > primary.observedAt)
      .reduce((total, grant) => total + requests(grant), 0);
    return primary.remaining - spent - reserve >= requests(cost) ? t : primary.resetAt + limits.marginMs;
  }
  const since = primary?.resetAt ?? Number.NEGATIVE_INFINITY;
  const window = { span: spanOf(limits, HOUR_MS), limit: limit - reserve, weight: requests };
  return windowSlot(
    state.grants.filter((grant) => grant.at >= since),
    window,
    t,
    cost,
  );
}

/**
 * The earliest t ≥ `from` at which `cost` keeps every window within its limit: writes per minute
 * and per hour, points per minute, concurrency, the pacing of writes and the primary limit.
 * The sliding windows count the grants `counted(t)` returns, all at or before t; the primary
 * window counts every grant of `state`.
 */
export function slotFrom(
  state: BudgetState,
  limits: BudgetLimits,
  now: number,
  cost: Cost,
  from: number,
  counted: (t: number) => readonly Grant[],
): number {
  const factor = tighteningFactor(state, now);
  const scaled = (limit: number) => Math.max(1, Math.floor(limit * factor));
  const minute = spanOf(limits, MINUTE_MS);
  const windows: Window[] = [
    { span: minute, limit: scaled(limits.writesPerMinute), weight: (c) => c.writes },
    { span: spanOf(limits, HOUR_MS), limit: scaled(limits.writesPerHour), weight: (c) => c.writes },
    { span: minute, limit: scaled(limits.pointsPerMinute), weight: points(limits) },
  ];
  let t = Math.max(from, state.blockedUntil);
  // Each step moves t to the instant some grant leaves a window, a lease ends or the window
  // resets; t never moves back, so this ends after at most a few steps per grant.
  for (;;) {
    const grants = counted(t);
    const next = Math.max(
      t,
      ...windows.map((window) => windowSlot(grants, window, t, cost)),
      concurrencySlot(grants, limits, now, t),
      writeSlot(grants, limits, now, t, cost),
      primarySlot(state, limits, t, cost),
    );
    if (next === t) return t;
    t = next;
  }
}

/** The earliest slot, not before `now` nor before the last grant (first come, first served). */
export const earliestSlot = (state: BudgetState, limits: BudgetLimits, now: number, cost: Cost): number =>
  slotFrom(state, limits, now, cost, Math.max(now, state.grants.at(-1)?.at ?? now), () => state.grants);
