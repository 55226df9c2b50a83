import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/**
 * plugin-throttling's documented one-at-a-time limiters: every write 1000 ms after the last, and
 * writes that trigger notifications (releases and pull requests among them) 3000 ms after the last.
 */
const WRITE_MIN_TIME_MS = 1000;
const NOTIFICATIONS_MIN_TIME_MS = 3000;
/** Its documented multiplier of `retry-after` seconds (retryAfterBaseValue). */
const RETRY_AFTER_BASE_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Bottleneck group as the plugin configures it (maxConcurrent 1, `minTimeMs`) with minTime
 * divided by the sandbox's compression: the same pace in GitHub time. One per process, as the
 * plugin's groups are module-wide and keyed by `throttle.id` ("no-id" by default).
 */
function compressedGroup(minTimeMs: number, compression: number) {
  let last = Promise.resolve();
  let lastStart = Number.NEGATIVE_INFINITY;
  const limiter = {
    schedule<T>(_options: unknown, job: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
      const run = last.then(async () => {
        await sleep(lastStart + minTimeMs / compression - performance.now());
        lastStart = performance.now();
        return job(...args);
      });
      last = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },
  };
  return { key: () => limiter };
}

/** The plugin's write and notification groups, compressed; shared by every Octokit of a lane. */
export const compressedWriteGroups = (compression: number) => ({
  write: compressedGroup(WRITE_MIN_TIME_MS, compression),
  notifications: compressedGroup(NOTIFICATIONS_MIN_TIME_MS, compression),
});

export const ThrottledOctokit = Octokit.plugin(throttling);

export interface ThrottleCounts {
  secondary: number;
  primary: number;
}

/**
 * An Octokit with @octokit/plugin-throttling as documented: every write through the write group
 * (releases and pull requests through the notification group too),
 * and both handlers retrying (as semantic-release's do) after the plugin's own wait, in GitHub
 * time divided by the compression (`retryAfterBaseValue`).
 */
export function throttledOctokit(
  options: ConstructorParameters<typeof Octokit>[0],
  groups: ReturnType<typeof compressedWriteGroups>,
  compression: number,
  counts: ThrottleCounts,
): Octokit {
  return new ThrottledOctokit({
    ...options,
    throttle: {
      ...groups,
      retryAfterBaseValue: RETRY_AFTER_BASE_MS / compression,
      onRateLimit: () => {
        counts.primary += 1;
        return true;
      },
      onSecondaryRateLimit: () => {
        counts.secondary += 1;
        return true;
      },
    } as never,
  });
}
