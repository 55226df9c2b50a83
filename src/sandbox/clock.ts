/**
 * The sandbox's own time. It starts at wall time, runs `compression` times faster than it,
 * and jumps forward on `advance`, so tests can pass a one-hour rate-limit window in an instant.
 * It never runs backwards: headers computed from it stay monotonic for clients.
 */
export class SandboxClock {
  private readonly wallStart = Date.now();
  private offsetMs = 0;

  constructor(private readonly compression: number) {}

  now(): number {
    return Math.floor(this.wallStart + (Date.now() - this.wallStart) * this.compression + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** A sandbox time as GitHub writes timestamps: ISO 8601 to the second, `Z`. */
export const isoAt = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
