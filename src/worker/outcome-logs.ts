import { ApplicationFailure, type LogMetadata } from '@temporalio/common';
import type { RuntimeLine } from '../logging/logger.js';
import { BUDGET_WAIT_FAILURE_TYPE, FailureCode, PLAN_INVALID_FAILURE_TYPE } from '../shared.js';

/**
 * Failure types an activity ends with when the answer is final and nothing is at fault: GitHub
 * refused and nothing changed, the receipt ran out, the run was cancelled, a plan was refused. The
 * workflow that ends with the outcome says it in its own line.
 */
const DECIDED = new Set<string>([
  FailureCode.conflict,
  FailureCode.validationFailed,
  FailureCode.notFound,
  FailureCode.forbidden,
  FailureCode.badCredentials,
  FailureCode.expiredDuringExecution,
  FailureCode.cancelled,
  PLAN_INVALID_FAILURE_TYPE,
]);

/** Failure types that end an attempt in order to wait: the workflow sleeps on a durable timer, then calls again. */
const WAITS = new Set<string>([
  BUDGET_WAIT_FAILURE_TYPE,
  FailureCode.primaryRateLimit,
  FailureCode.secondaryRateLimit,
]);

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

/**
 * The SDK logs every failure as a warning with its stack, so a CONFLICT (GitHub refused, nothing
 * changed) printed two of them. Expected outcomes become one info line each, with the outcome and
 * its reason and no stack: a workflow's declared end, and each wait for a budget or a rate limit.
 * An activity's decided refusal goes to debug, as the workflow's line tells it. Anything else,
 * bugs first, keeps its level and its stack.
 */
export function restateOutcomes(line: RuntimeLine): RuntimeLine {
  const { message, meta } = line;
  const { error } = meta;
  if (message === 'Activity failed' && error instanceof ApplicationFailure && error.type) {
    if (WAITS.has(error.type)) {
      const waitMs = (error.details?.[0] as { waitMs?: number } | undefined)?.waitMs;
      const outcome = { outcome: 'waiting', reason: error.type, waitMs };
      return {
        level: 'INFO',
        message: `Waiting: ${error.message}`,
        meta: { ...withoutError(meta), ...outcome },
      };
    }
    if (error.nonRetryable && DECIDED.has(error.type))
      return { level: 'DEBUG', message, meta: { ...withoutError(meta), reason: error.type } };
  }
  if (message === 'Workflow failed' && endedOnPurpose(error))
    return {
      level: 'INFO',
      message: `Workflow ended: ${error.message}`,
      meta: { ...withoutError(meta), outcome: 'failed', reason: error.message },
    };
  return line;
}
