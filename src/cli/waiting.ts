import type { ExecutorClient } from '../client/executor-client.js';
import { TASK_QUEUE } from '../shared.js';

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

export type Bounded<T> = { done: true; value: T } | { done: false };

/** `work`'s value, or not done once `seconds` have passed (never, when undefined). */
export async function within<T>(work: Promise<T>, seconds: number | undefined): Promise<Bounded<T>> {
  const done = work.then((value) => ({ done: true, value }) as const);
  if (seconds === undefined) return done;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), seconds * 1000);
  });
  // The losing wait is abandoned (its connection closes): its failure must not surface.
  done.catch(() => undefined);
  try {
    return await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
