import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** plugin-throttling's documented write limiter: one write at a time, 1000 ms apart. */
const WRITE_MIN_TIME_MS = 1000;
/** Its documented multiplier of `retry-after` seconds (retryAfterBaseValue). */
const RETRY_AFTER_BASE_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * plugin-throttling's default write group (Bottleneck, maxConcurrent 1, minTime 1000 ms) with its
 * minTime divided by the sandbox's compression: the same pace in GitHub time. One per process,
 * as the plugin's groups are module-wide and keyed by `throttle.id` ("no-id" by default).
 */
export function compressedWriteGroup(compression: number) {
  let last = Promise.resolve();
  let lastStart = Number.NEGATIVE_INFINITY;
  const limiter = {
    schedule<T>(_options: unknown, job: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
      const run = last.then(async () => {
        await sleep(lastStart + WRITE_MIN_TIME_MS / compression - performance.now());
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

export const ThrottledOctokit = Octokit.plugin(throttling);

export interface ThrottleCounts {
  secondary: number;
  primary: number;
}

/**
 * An Octokit with @octokit/plugin-throttling as documented: every write through the write group,
 * and both handlers retrying (as semantic-release's do) after the plugin's own wait, in GitHub
 * time divided by the compression (`retryAfterBaseValue`).
 */
export function throttledOctokit(
  options: ConstructorParameters<typeof Octokit>[0],
  write: ReturnType<typeof compressedWriteGroup>,
  compression: number,
  counts: ThrottleCounts,
): Octokit {
  return new ThrottledOctokit({
    ...options,
    throttle: {
      write,
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
