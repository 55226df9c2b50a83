import { AsyncLocalStorage } from 'node:async_hooks';
import type pino from 'pino';
import { demoteShutdownNoise } from '../logging/logger.js';

/** The parts of `marketops start`, as its one-line failure message names them. */
type Part = 'the Temporal dev server' | 'the GitHub sandbox' | 'the worker';

export interface PartFailure {
  /** "the start command" when an uncaught error comes from outside every part. */
  part: Part | 'the start command';
  reason: string;
}

/** After a failure everything stops cleanly; should that itself hang, the process still ends. */
const FORCED_EXIT_MS = 30_000;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Turns the first failure of any part of `start` into one clean stop of all of them. Left to
 * Node, an uncaught error ends the process at once and the Temporal dev server (a child
 * process) runs on without it. In-process parts run in their own async context, so an uncaught
 * exception or unhandled rejection anywhere in what a part started is blamed on that part.
 */
export class Supervisor {
  private readonly parts = new AsyncLocalStorage<Part>();
  private report!: (failure: PartFailure) => void;
  private settled = false;
  /** Set by Ctrl-C or SIGTERM: whatever stops after that is stopping on purpose. */
  private stopping = false;
  /** The first failure; later ones are only logged. */
  readonly failed: Promise<PartFailure>;

  constructor(private readonly logger: pino.Logger) {
    this.failed = new Promise((resolve) => {
      this.report = resolve;
    });
    const uncaught = (error: unknown) => {
      const part = this.parts.getStore() ?? 'the start command';
      this.logger.error({ err: error, part }, 'Uncaught error');
      this.fail(part, `crashed: ${messageOf(error)}`);
    };
    process.on('uncaughtException', uncaught);
    process.on('unhandledRejection', uncaught);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        this.stopping = true;
        demoteShutdownNoise();
      });
    }
  }

  /** Runs `work` as `part`: uncaught errors in anything it starts are that part's failure. */
  run<T>(part: Part, work: () => T): T {
    return this.parts.run(part, work);
  }

  /** Reports a part's failure; `reason` completes the sentence "<part> …". */
  fail(part: PartFailure['part'], reason: string): void {
    if (this.settled || this.stopping) return;
    this.settled = true;
    this.report({ part, reason });
    setTimeout(() => {
      process.stderr.write(`marketops: ${part} ${reason}; not everything stopped within 30 s, exiting.\n`);
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
  }

  /**
   * Runs the worker until it stops on a shutdown signal (undefined) or a part fails. When
   * another part fails, the worker drains just as on Ctrl-C: it runs until a shutdown signal,
   * and emitting the event, rather than sending the signal, cannot kill the process should
   * nobody be listening any more.
   */
  async runWorker(work: () => Promise<void>): Promise<PartFailure | undefined> {
    const worker = this.run('the worker', work).then(
      () => undefined,
      (error: unknown): PartFailure => ({ part: 'the worker', reason: `failed: ${messageOf(error)}` }),
    );
    const first = await Promise.race([worker, this.failed]);
    if (first === undefined || first.part === 'the worker') return first;
    process.emit('SIGTERM', 'SIGTERM');
    const drained = await worker;
    if (drained)
      this.logger.error({ part: drained.part }, `While stopping, ${drained.part} ${drained.reason}`);
    return first;
  }
}
