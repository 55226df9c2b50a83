import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { Code } from '../codes.js';

/**
 * Errors no retry can fix: a fault in our own code (TypeError and its kin) or data that
 * fails its schema. Everything else (a database or network down, a lock held) is
 * transient and left to the activity's retry policy, with backoff.
 */
export function isBugClass(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError ||
    error instanceof ZodError
  );
}

export const internalError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * A bug-class error as the non-retryable failure an activity ends with. The error stays its
 * cause, so the worker's log shows where the bug is, not only where it was caught.
 */
export const bugFailure = (error: unknown): ApplicationFailure =>
  ApplicationFailure.create({
    message: internalError(error),
    type: Code.INTERNAL_ERROR,
    nonRetryable: true,
    cause: error instanceof Error ? error : undefined,
  });

type Activity = (...args: never[]) => Promise<unknown>;

/**
 * Every activity of the executor goes through this: the core activities retry without
 * limit (a record must never be lost), so a bug-class error would otherwise be retried forever.
 */
export function nonRetryableBugs<T extends Record<string, Activity>>(activities: T): T {
  const wrapped = Object.entries(activities).map(([name, activity]) => [
    name,
    async (...args: Parameters<typeof activity>) => {
      try {
        return await activity(...args);
      } catch (error) {
        if (!isBugClass(error)) throw error;
        throw bugFailure(error);
      }
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}
