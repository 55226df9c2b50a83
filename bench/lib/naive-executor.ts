import type { Octokit } from '@octokit/rest';
import type { OperationRequest } from '../../src/operations/registry.js';
import { performDirect } from './direct-github.js';

export interface NaiveOptions {
  /** Sandbox clock speed: every wait below is in GitHub's (sandbox) time and divided by this. */
  timeCompression: number;
  /** Operations not done by then count as lost (real ms, from the start). */
  deadlineMs: number;
}

const BASE_BACKOFF_S = 1;
const MAX_BACKOFF_S = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The prototype's approach, kept as a baseline: send at once, and on a rate-limit refusal
 * sleep in process (1 s, doubling to 5 min, GitHub time) and resend the whole operation.
 * No pacing, no reading of retry-after, and every wait dies with the process.
 */
export async function runNaive(
  octokit: Octokit,
  request: OperationRequest,
  options: NaiveOptions,
  startedAt: number,
) {
  for (let attempt = 0; ; attempt++) {
    try {
      await performDirect(octokit, request);
      return { done: true, attempts: attempt + 1 };
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== 403 && status !== 429) throw error;
      const backoffMs =
        (Math.min(MAX_BACKOFF_S, BASE_BACKOFF_S * 2 ** attempt) * 1000) / options.timeCompression;
      if (performance.now() + backoffMs - startedAt > options.deadlineMs)
        return { done: false, attempts: attempt + 1 };
      await sleep(backoffMs);
    }
  }
}
