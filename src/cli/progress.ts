import type { ExecutorClient } from '../client/executor-client.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * On a terminal, shows the workflow's live stage (from its `progress` query) while
 * `work` runs; elsewhere it stays silent so scripted output is clean.
 */
export async function withProgress<T>(
  executor: ExecutorClient,
  receiptId: string,
  work: Promise<T>,
): Promise<T> {
  if (!process.stderr.isTTY) return work;
  let frame = 0;
  let line = 'submitted';
  const timer = setInterval(() => {
    process.stderr.write(`\r${FRAMES[frame++ % FRAMES.length]} ${line}\u001b[K`);
    executor.executionStatus(receiptId).then(
      ({ progress }) => {
        if (progress)
          line = `${progress.stage}; writes ${progress.writesDone}; rate-limit waits ${progress.rateLimitWaits}`;
      },
      () => undefined,
    );
  }, 500);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stderr.write('\r\u001b[K');
  }
}
