import type { Duration } from '@temporalio/common';
import { sleep } from '@temporalio/workflow';

/** Sleeps for `duration`: under the time-skipping server a day must take seconds. */
export async function sleepFor(duration: Duration): Promise<string> {
  await sleep(duration);
  return 'woke';
}
