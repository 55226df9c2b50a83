import { BEST_PRACTICES } from '../../src/budgets/limits.js';
import type { GitHubPacing } from '../../src/config/github-pacing.js';
import type { RequestLogEntry } from '../../src/sandbox/index.js';

/** GitHub's documented secondary limits on content-creating requests. */
const SECONDARY = { perMinute: 80, perHour: 500 } as const;

/** Seconds between two writes of one identity: best practices' second, none for the burst. */
const gapSeconds = (pacing: GitHubPacing) =>
  pacing === 'best-practices' ? BEST_PRACTICES.writeGapMs / 1000 : 0;

/**
 * The earliest each of `writes` writes could be accepted under sliding per-minute and per-hour
 * windows and the pacing's gap, sending each as soon as all allow (seconds from the first):
 * t(1) = 0, t(n) = max(t(n−1) + gap, t(n−80) + 60 s, t(n−500) + 3600 s). The last entry is the
 * minimum completion time: nothing can finish sooner without a refusal or a shorter gap.
 */
export function earliestSchedule(writes: number, pacing: GitHubPacing): number[] {
  const times: number[] = [];
  for (let i = 0; i < writes; i++) {
    const previous = i > 0 ? (times[i - 1] as number) + gapSeconds(pacing) : 0;
    const minute = i >= SECONDARY.perMinute ? (times[i - SECONDARY.perMinute] as number) + 60 : 0;
    const hour = i >= SECONDARY.perHour ? (times[i - SECONDARY.perHour] as number) + 3600 : 0;
    times.push(Math.max(previous, minute, hour));
  }
  return times;
}

export interface LogAnalysis {
  appliedWrites: number;
  refused: number;
  /** Refused requests after the first one: the target is zero. */
  refusedAfterFirst: number;
  /** Sandbox seconds from the first request to the last applied write. */
  spanSeconds: number;
  /** [sandbox minutes since the first request, applied writes so far]. */
  writesOverTime: [number, number][];
  refusalsOverTime: [number, number][];
  /** The closest two mutative requests of one identity, in sandbox seconds; null with fewer than two. */
  closestWritesSeconds: number | null;
}

const isRefusal = (entry: RequestLogEntry) => entry.status === 403 || entry.status === 429;

/** The earliest completion the windows and the pacing allow from an idle start, in GitHub seconds. */
export const minimumSeconds = (writes: number, pacing: GitHubPacing): number =>
  earliestSchedule(writes, pacing).at(-1) ?? 0;

/**
 * What GitHub's best practices call mutative: POST, PATCH, PUT and DELETE, by a token or an
 * installation. An App's own requests (`app:<id>`, its JWT minting installation tokens, which
 * @octokit/auth-app sends and caches for an hour) are not operations and not paced by a budget.
 */
const isMutative = (entry: RequestLogEntry) =>
  ['POST', 'PATCH', 'PUT', 'DELETE'].includes(entry.method) && !entry.identity?.startsWith('app:');

/** The shortest time between two consecutive mutative requests of the same identity, refused ones included. */
function closestWrites(log: readonly RequestLogEntry[]): number | null {
  const last = new Map<string | null, number>();
  let closest: number | null = null;
  for (const entry of log.filter(isMutative)) {
    const previous = last.get(entry.identity);
    if (previous !== undefined) closest = Math.min(closest ?? Number.POSITIVE_INFINITY, entry.at - previous);
    last.set(entry.identity, entry.at);
  }
  return closest === null ? null : closest / 1000;
}

/**
 * What the sandbox saw: applied writes and rate-limit refusals over sandbox time, for one
 * identity when given (`token:<id>`, `installation:<id>`), from its first request.
 */
export function analyseLog(all: readonly RequestLogEntry[], identity?: string): LogAnalysis {
  const log = identity ? all.filter((entry) => entry.identity === identity) : all;
  const start = log[0]?.at ?? 0;
  const minutes = (entry: RequestLogEntry) => (entry.at - start) / 60_000;
  const writes = log.filter((entry) => entry.contentCreating && entry.applied);
  const refusals = log.filter(isRefusal);
  const cumulative = (entries: RequestLogEntry[]): [number, number][] => [
    [0, 0],
    ...entries.map((entry, i): [number, number] => [minutes(entry), i + 1]),
  ];
  return {
    appliedWrites: writes.length,
    refused: refusals.length,
    refusedAfterFirst: Math.max(0, refusals.length - 1),
    spanSeconds: ((writes.at(-1)?.at ?? start) - start) / 1000,
    writesOverTime: cumulative(writes),
    refusalsOverTime: cumulative(refusals),
    closestWritesSeconds: closestWrites(log),
  };
}
