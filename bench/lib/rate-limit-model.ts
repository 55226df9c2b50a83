import type { RequestLogEntry } from '../../src/sandbox/index.js';

/** GitHub's documented secondary limits on content-creating requests. */
export const SECONDARY = { perMinute: 80, perHour: 500 } as const;

/**
 * The earliest each of `writes` writes could be accepted under sliding per-minute and per-hour
 * windows, sending each as soon as both windows allow (seconds from the first). The last entry
 * is the theoretical minimum completion time: nothing can finish sooner without a refusal.
 */
export function earliestSchedule(writes: number, limits = SECONDARY): number[] {
  const times: number[] = [];
  for (let i = 0; i < writes; i++) {
    const minute = i >= limits.perMinute ? (times[i - limits.perMinute] as number) + 60 : 0;
    const hour = i >= limits.perHour ? (times[i - limits.perHour] as number) + 3600 : 0;
    times.push(Math.max(times[i - 1] ?? 0, minute, hour));
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
}

const isRefusal = (entry: RequestLogEntry) => entry.status === 403 || entry.status === 429;

/** The earliest completion the documented windows allow from an idle start, in GitHub seconds. */
export const minimumSeconds = (writes: number): number => earliestSchedule(writes).at(-1) ?? 0;

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
  };
}
