import { ApplicationFailure, type LogMetadata } from '@temporalio/common';
import { Code, githubRefusalCodes, isRateLimit, ownReasonCodes } from '../codes.js';
import type { RuntimeLine } from '../logging/logger.js';

/**
 * Failure types an activity ends with when the answer is final and nothing is at fault: GitHub
 * refused and nothing changed, an asset's bytes are missing or differ, the receipt ran out, the run
 * was cancelled, a plan was refused. The workflow that ends with the outcome says it in its own line.
 */
const DECIDED = new Set<string>([...githubRefusalCodes, ...ownReasonCodes, Code.PLAN_INVALID]);

/**
 * A wait's level, or undefined when the failure is no wait. Our own budget's wait (nothing was
 * sent) is info; under "never banned" each refusal by GitHub is what an operator must see, a
 * warning.
 */
function waitLevel(error: ApplicationFailure): 'INFO' | 'WARN' | undefined {
  if (error.type === Code.GITHUB_BUDGET_WAIT) return 'INFO';
  // GitHub's own rate-limit refusals (a 403 or 429): the workflow sleeps them out as it does a budget wait.
  return isRateLimit(error.type) ? 'WARN' : undefined;
}

function withoutError(meta: LogMetadata): LogMetadata {
  const { error: _stackAndAll, ...rest } = meta;
  return rest;
}

/**
 * Whether a workflow ended on purpose, with an ApplicationFailure its code threw (the receipt
 * workflow's rejected or failed outcome, a refused plan). A bug fails the workflow task, or ends
 * the workflow with an ActivityFailure. Copied out of the workflow's thread, the failure is a
 * plain Error: only its stack's first line still names its class.
 */
const endedOnPurpose = (error: unknown): error is { message: string } =>
  typeof error === 'object' &&
  error !== null &&
  String((error as { stack?: unknown }).stack).startsWith('ApplicationFailure: ');

/** An outcome that names INTERNAL_ERROR ended on a bug of ours: it stays a warning. */
const namesBug = (outcome: string) => outcome.includes(Code.INTERNAL_ERROR);

/**
 * The SDK logs every failure as a warning with its stack, so a CONFLICT (GitHub refused, nothing
 * changed) printed two of them. Expected outcomes become one info line each, with the outcome and
 * its reason and no stack: a workflow's declared end, and each wait for our own budget. A rate-limit
 * refusal from GitHub is one warning line, without a stack.
 * An activity's decided refusal goes to debug, as the workflow's line tells it. An outcome that
 * names INTERNAL_ERROR is one warning line (the bug's stack is logged where it was caught).
 * Anything else, bugs first, keeps its level and its stack.
 */
export function restateOutcomes(line: RuntimeLine): RuntimeLine {
  const { message, meta } = line;
  const { error } = meta;
  if (message === 'Activity failed' && error instanceof ApplicationFailure && error.type) {
    const level = waitLevel(error);
    if (level) {
      const waitMs = (error.details?.[0] as { waitMs?: number } | undefined)?.waitMs;
      const outcome = { outcome: 'waiting', reason: error.type, waitMs };
      return { level, message: `Waiting: ${error.message}`, meta: { ...withoutError(meta), ...outcome } };
    }
    if (error.nonRetryable && DECIDED.has(error.type))
      return { level: 'DEBUG', message, meta: { ...withoutError(meta), reason: error.type } };
  }
  if (message === 'Workflow failed' && endedOnPurpose(error))
    return {
      level: namesBug(error.message) ? 'WARN' : 'INFO',
      message: `Workflow ended: ${error.message}`,
      meta: { ...withoutError(meta), outcome: 'failed', reason: error.message },
    };
  return line;
}
