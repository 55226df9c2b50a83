import { type Fault, faultSchema, type ParsedFault } from './config.js';

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
