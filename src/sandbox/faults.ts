import { type Fault, faultSchema, type ParsedFault } from './config.js';
import { docs, GitHubError } from './github-errors.js';

interface ArmedFault {
  fault: ParsedFault;
  /** Matching requests seen so far, including those it let pass. */
  seen: number;
  hits: number;
}

/**
 * Injected faults. Each counts the requests its route matches: it lets the first
 * `afterRequests` pass, then hits the next `times`, then is spent.
 */
export class FaultInjector {
  private armed: ArmedFault[] = [];

  constructor(private readonly initial: readonly ParsedFault[]) {
    this.reset();
  }

  reset(): void {
    this.armed = this.initial.map((fault) => ({ fault, seen: 0, hits: 0 }));
  }

  add(fault: Fault): void {
    this.armed.push({ fault: faultSchema.parse(fault), seen: 0, hits: 0 });
  }

  clear(): void {
    this.armed = [];
  }

  list(): ParsedFault[] {
    return this.armed.filter((entry) => entry.hits < entry.fault.times).map((entry) => entry.fault);
  }

  /** The faults that hit this request (`route` is `METHOD /template`); every matching fault counts it. */
  take(route: string): ParsedFault[] {
    const hitting: ParsedFault[] = [];
    for (const entry of this.armed) {
      if (entry.fault.route !== undefined && entry.fault.route !== route) continue;
      if (entry.hits >= entry.fault.times) continue;
      entry.seen += 1;
      if (entry.seen > entry.fault.afterRequests) {
        entry.hits += 1;
        hitting.push(entry.fault);
      }
    }
    return hitting;
  }
}

const FAULT_MESSAGES: Record<number, string> = {
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** What the faults hitting one request do to it. */
export interface FaultEffect {
  /** Real milliseconds to wait before anything else: latency faults add up. */
  latencyMs: number;
  /** A 5xx answered instead of handling the request. */
  error: GitHubError | undefined;
  /** Handle the request, then destroy the connection instead of answering. */
  drop: boolean;
  /** Handle the request as one whose upstream failed (an upload leaves a `starter`), then answer 502. */
  upstreamFailure: boolean;
  /** The kind the request log records: the failing fault's, else the first one's. */
  kind: ParsedFault['kind'] | null;
}

/** The 502 GitHub answers when its upstream fails, e.g. mid-upload. */
export const badGateway = (): GitHubError => new GitHubError(502, 'Bad Gateway', docs.root);

/** Latency first, then a 5xx, a dropped response or an upstream failure; the first non-latency fault decides. */
export function faultEffect(hitting: readonly ParsedFault[]): FaultEffect {
  const failing = hitting.find((fault) => fault.kind !== 'latency');
  const latencyMs = hitting
    .filter((fault) => fault.kind === 'latency')
    .reduce((total, fault) => total + fault.latencyMs, 0);
  const error =
    failing?.kind === 'status'
      ? new GitHubError(failing.status, FAULT_MESSAGES[failing.status] ?? 'Server Error', docs.root)
      : undefined;
  return {
    latencyMs,
    error,
    drop: failing?.kind === 'drop-after-apply',
    upstreamFailure: failing?.kind === 'upstream-failure',
    kind: failing?.kind ?? hitting[0]?.kind ?? null,
  };
}
