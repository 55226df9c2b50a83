import { ApplicationFailure } from '@temporalio/common';
import { ArtifactMismatchError, ArtifactMissingError } from '../../artifacts/index.js';
import { Code } from '../../codes.js';
import { AdoptionConflict } from '../../github/adoption.js';
import { classifyGitHubError } from '../../github/error-class.js';
import type { RateLimitDetails } from '../../shared.js';
import { bugFailure, isBugClass } from '../bug-class.js';

export interface RetryContext {
  /** The authorization clock, epoch ms (see authorization-window.ts). */
  now: number;
  /** No write may be sent at or after this instant (the receipt's exp), epoch ms. */
  notAfter: number;
}

export function expiredDuringExecution(detail: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `The receipt expired before the GitHub write: ${detail}.`,
    Code.EXPIRED_DURING_EXECUTION,
  );
}

/**
 * Every GitHub error leaves an activity as a Temporal failure carrying its retry decision.
 * A retry that could only happen after the receipt's exp is pointless: it ends now, writing
 * nothing. A rate limit ends the attempt with the wait GitHub asks for; the workflow sleeps
 * on a durable timer and calls again, so no wait is held inside Octokit or a worker.
 */
export function toFailure(error: unknown, context: RetryContext): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof AdoptionConflict) return ApplicationFailure.nonRetryable(error.message, Code.CONFLICT);
  // The store lacks the authorized bytes: a retry reads the same store, so the step fails now.
  if (error instanceof ArtifactMissingError)
    return ApplicationFailure.nonRetryable(error.message, Code.ARTIFACT_MISSING);
  if (error instanceof ArtifactMismatchError)
    return ApplicationFailure.nonRetryable(error.message, Code.ARTIFACT_MISMATCH);
  // Octokit wraps network failures in its RequestError, so these are ours, or a response unlike GitHub's.
  if (isBugClass(error)) return bugFailure(error);
  const decided = classifyGitHubError(error);
  switch (decided.kind) {
    case 'unavailable':
      if (context.now >= context.notAfter) return expiredDuringExecution(decided.message);
      return ApplicationFailure.create({ type: Code.GITHUB_UNAVAILABLE, message: decided.message });
    case 'rate-limit': {
      const { waitMs } = decided;
      if (waitMs !== undefined && context.now + waitMs >= context.notAfter)
        return expiredDuringExecution(`${decided.message}; the limit resets after the receipt's expiry`);
      const details: RateLimitDetails = { waitMs };
      return ApplicationFailure.create({
        type: decided.code,
        message: decided.message,
        nonRetryable: true,
        details: [details],
      });
    }
    case 'final':
      return ApplicationFailure.nonRetryable(decided.message, decided.code);
  }
}
