import type { Client } from '@temporalio/client';
import { type ConnectedExecutor, connectExecutor } from '../client/connect.js';
import type { ExecutorClient } from '../client/executor-client.js';
import { TASK_QUEUE } from '../shared.js';
import { ExitCode, UserError } from './exit-codes.js';
import { asUserError, configFromEnv } from './inputs.js';

/** What submit says, within seconds, when its execution has nobody to run it. */
export const NO_WORKER_NOTICE = `queued; no worker is polling ${TASK_QUEUE}; it will run when one starts`;
const WORKER_FOUND_NOTICE = `a worker is polling ${TASK_QUEUE} now; running`;

/** The first look comes after a second: a polling worker has usually finished by then. */
const FIRST_CHECK_MS = 1_000;
const CHECK_EVERY_MS = 3_000;

/** What to say when the polling state is seen: only its changes, starting from "polling". */
export function workerNotice(before: boolean, now: boolean): string | undefined {
  if (before === now) return undefined;
  return now ? WORKER_FOUND_NOTICE : NO_WORKER_NOTICE;
}

/**
 * Runs `work` (a submission, a wait for its outcome) and meanwhile watches the executor's task
 * queue, so that a wait without a worker is never silent. Lines go to `say` (stderr), never to
 * stdout, which carries only the result.
 */
export async function watchingForWorkers<T>(
  executor: ExecutorClient,
  work: Promise<T>,
  say: (line: string) => void,
): Promise<T> {
  let polling = true;
  let watching = true;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    const now = await executor.liveWorkers().then(
      (workers) => workers.length > 0,
      () => polling, // the server's own trouble is reported by `work`
    );
    if (!watching) return;
    const notice = workerNotice(polling, now);
    if (notice) say(notice);
    polling = now;
    timer = setTimeout(check, CHECK_EVERY_MS);
  };
  timer = setTimeout(check, FIRST_CHECK_MS);
  try {
    return await work;
  } finally {
    watching = false;
    clearTimeout(timer);
  }
}

/** Not done: `unreachable` says, when it is so, that Temporal stopped answering and still does not. */
export type Bounded<T> = { done: true; value: T } | { done: false; unreachable?: string };

/** A Temporal call that starts after the deadline, which the abort no longer reaches, is cut this much later. */
const LATE_CALL_GRACE_MS = 1_000;

/**
 * `work`'s value, or not done at `deadline` (epoch ms; never, when undefined). At the deadline every
 * Temporal call `work` has in flight is cancelled: a result's long poll or an Update waiting for a
 * worker would otherwise keep the process alive well after the answer (21 s for `--timeout 3s`).
 * The SDK ties an abort only to calls started before it fires, so a gRPC deadline a second later
 * cuts any call started after it.
 */
export async function within<T>(
  client: Pick<Client, 'withAbortSignal' | 'withDeadline'>,
  deadline: number | undefined,
  work: () => Promise<T>,
): Promise<Bounded<T>> {
  if (deadline === undefined) return { done: true, value: await work() };
  const abort = new AbortController();
  const done = client
    .withDeadline(deadline + LATE_CALL_GRACE_MS, () => client.withAbortSignal(abort.signal, work))
    .then((value) => ({ done: true, value }) as const);
  // Abandoned work fails with its cancelled calls: that failure is the timeout itself.
  done.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(
      () => {
        resolve({ done: false }); // before the abort, so the race goes to the timeout, not to the failure
        abort.abort();
      },
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([done, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The moment (epoch ms) a `--timeout` of `seconds` ends; none without one. It counts from the
 * process's start, as the user's clock does: loading the CLI and connecting spend it too.
 */
export const deadlineAfter = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : performance.timeOrigin + seconds * 1000;

/**
 * Connects to Temporal, runs `work` until `timeoutSeconds` have passed (see `deadlineAfter`; no
 * limit when undefined) and closes. `keysFile` as for `connectExecutor`. Through an outage the
 * calls are retried until then, and stderr says so once.
 */
export async function connectedWithin<T>(
  timeoutSeconds: number | undefined,
  keysFile: string | null | undefined,
  work: (connected: ConnectedExecutor) => Promise<T>,
): Promise<Bounded<T>> {
  const deadline = deadlineAfter(timeoutSeconds);
  // Spent loading the CLI: connecting in no time would fail and blame Temporal.
  if (deadline !== undefined && Date.now() >= deadline) return { done: false };
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const connected = await asUserError(connectExecutor(await configFromEnv(), keysFile, deadline, say));
  try {
    const bounded = await within(connected.client, deadline, () => work(connected));
    return bounded.done ? bounded : { done: false, unreachable: await connected.unreachable() };
  } finally {
    await connected.close();
  }
}

/** A command's `--timeout` (no limit when undefined) and the sentence it ends with when it passes. */
export interface Timeout {
  seconds: number | undefined;
  /** What goes on and how to check it. */
  timedOut: string;
}

/** The sentence a command ends with when Temporal was lost until its timeout: what goes on, after why. */
export const lostUntilTimeout = (unreachable: string, timedOut: string): string =>
  `${unreachable}: ${timedOut}`;

/**
 * `connectedWithin` for commands that print nothing when their timeout passes: it ends them with
 * exit 6 and the timeout's sentence, or exit 7 when Temporal stopped answering and still does not.
 */
export async function withTemporal<T>(
  keysFile: string | null | undefined,
  work: (connected: ConnectedExecutor) => Promise<T>,
  timeout?: Timeout,
): Promise<T> {
  const bounded = await connectedWithin(timeout?.seconds, keysFile, work);
  if (bounded.done) return bounded.value;
  const timedOut = timeout?.timedOut ?? '';
  if (bounded.unreachable)
    throw new UserError(lostUntilTimeout(bounded.unreachable, timedOut), ExitCode.temporalUnreachable);
  throw new UserError(timedOut, ExitCode.timedOut);
}
