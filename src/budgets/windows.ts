import type { Observation } from '../github/rate-headers.js';
import { SECONDARY_RATE_LIMIT_WAIT_MS } from '../shared.js';
import { BEST_PRACTICES, type BudgetLimits, type Cost, HOUR_MS, MINUTE_MS } from './limits.js';

export type { Observation };

/**
 * One identity's budget as pure arithmetic: where the next request may go so that none of
 * GitHub's windows is ever over, given every reservation already granted. Times are epoch
 * milliseconds on our clock; GitHub's spans are converted with `clockRate`.
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
 * Each secondary refusal scales the secondary limits by TIGHTEN, down to TIGHTEST, for an hour.
 * GitHub publishes no number to derive them from: its secondary limits "are subject to change
 * without notice", some endpoints have lower, unpublished ones, and it asks for "an exponentially
 * increasing amount of time between retries" while refusals go on
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
 * Our choice, unmeasured: the benchmarks (docs/benchmarks.md) see no refusal under best practices,
 * so the tightening never fires there; a fifth less per refusal halves the limits after three.
 */
const TIGHTEN = 0.8;
const TIGHTEST = 0.5;
/**
 * A later x-ratelimit-reset within this much of the known one is the same window: the reset is
 * computed from two one-second-resolution values (the reset and Date), so one window's reset
 * seen in two responses may differ by up to two seconds.
 */
const RESET_JITTER_MS = 2_000;

interface Window {
  span: number;
  limit: number;
  weight: (cost: Cost) => number;
}

const requests = (cost: Cost) => cost.writes + cost.reads;
const points = (limits: BudgetLimits) => (cost: Cost) =>
  cost.writes * limits.writePoints + cost.reads * limits.readPoints;
/** A GitHub span on our clock, with the margin for a write that goes out late. */
const spanOf = (limits: BudgetLimits, githubMs: number) => githubMs / limits.clockRate + limits.marginMs;

const tighteningFactor = (state: BudgetState, now: number) =>
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
function concurrencySlot(grants: readonly Grant[], limits: BudgetLimits, now: number, t: number): number {
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
function writeFrom(grants: readonly Grant[], limits: BudgetLimits, at: number, cost: Cost): number {
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
function slotFrom(
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
const earliestSlot = (state: BudgetState, limits: BudgetLimits, now: number, cost: Cost): number =>
  slotFrom(state, limits, now, cost, Math.max(now, state.grants.at(-1)?.at ?? now), () => state.grants);

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

/** Whether GitHub has described the current primary window: before that, its remaining is unknown. */
export const knowsPrimary = (state: BudgetState, now: number): boolean =>
  state.primary !== null && now < state.primary.resetAt;

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
    .map((grant) =>
      grant.key === settlement.key
        ? {
            ...grant,
            at: Math.max(grant.at, Math.min(now, grant.leaseEnd)),
            leaseEnd: Math.min(grant.leaseEnd, now),
            sent: true,
          }
        : grant,
    )
    .sort((a, b) => a.at - b.at);
  let { blockedUntil, tightening, primary } = state;
  if (settlement.observed) primary = observe(primary, limits, now, settlement.observed);
  const refused = settlement.refused;
  if (refused?.kind === 'secondary') {
    blockedUntil = Math.max(
      blockedUntil,
      now + (refused.waitMs ?? SECONDARY_RATE_LIMIT_WAIT_MS) / limits.clockRate,
    );
    const factor = Math.max(TIGHTEST, tighteningFactor(state, now) * TIGHTEN);
    tightening = { factor, until: now + HOUR_MS / limits.clockRate };
  }
  if (refused?.kind === 'primary') {
    const limit = primary?.limit ?? limits.primaryPerHour;
    // Without x-ratelimit-reset, the window's whole hour is the longest GitHub can mean (PRIMARY_WINDOW in limits.ts).
    const resetAt = now + (refused.waitMs ?? HOUR_MS) / limits.clockRate;
    primary = { limit, remaining: 0, resetAt, observedAt: now };
  }
  return { grants, blockedUntil, tightening, primary };
}
