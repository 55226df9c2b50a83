import type { MetricMeter } from '@temporalio/common';
import { type Code, type RateLimitCode, rateLimitCodes } from '../codes.js';
import { operationKinds } from '../operations/registry.js';
import { PUBLICATION_RUN } from '../runs/run-record.js';

/**
 * The kinds a label may name: the registered operations, and the run record of a publication
 * run; anything else a request claims is counted as `unknown`.
 */
const OPERATION_KINDS: readonly string[] = [...operationKinds, PUBLICATION_RUN];
const OUTCOMES = ['succeeded', 'failed', 'rejected', 'blocked_by_mode'] as const;

export const OPERATION_DURATION = 'marketops_operation_duration_seconds';

/**
 * End-to-end durations run from a second (a refusal) to hours (rate-limit waits, 5xx retries
 * until the receipt's exp), so the buckets span that range rather than the runtime's defaults.
 */
const DURATION_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

/** The Temporal Runtime's Prometheus endpoint, with our histogram's buckets. */
export const prometheusOptions = (bindAddress: string) => ({
  bindAddress,
  histogramBucketOverrides: { [OPERATION_DURATION]: DURATION_BUCKETS },
});

/** A label value from a fixed set, so a request's claims cannot grow the number of series. */
const kindLabel = (kind: string | null): string =>
  kind !== null && OPERATION_KINDS.includes(kind) ? kind : 'unknown';

/**
 * Our own metrics, on the Temporal Runtime's meter so they appear on the same
 * Prometheus endpoint as the SDK's metrics.
 */
export interface ExecutorMetrics {
  receipt(decision: 'accepted' | 'rejected' | 'blocked_by_mode', code?: Code): void;
  githubCall(status: number): void;
  rateLimitWait(kind: RateLimitCode): void;
  /** One per recorded outcome; `code` is its first reason code. */
  outcome(kind: string | null, outcome: string, code?: Code): void;
  /** From the workflow's start (the submission) to its outcome's record. */
  operationDuration(kind: string | null, seconds: number): void;
}

/**
 * Counters exist from start-up, at zero for the series an operator graphs first, so a dashboard
 * or an alert on them works before the first event. (A histogram appears with its first value.)
 */
export function createExecutorMetrics(meter: MetricMeter): ExecutorMetrics {
  const receipts = meter.createCounter(
    'marketops_receipts',
    '1',
    'Receipts verified, by decision and reason code',
  );
  const calls = meter.createCounter('marketops_github_calls', '1', 'GitHub API calls, by HTTP status');
  const waits = meter.createCounter(
    'marketops_rate_limit_waits',
    '1',
    'Retries deferred by a GitHub rate limit',
  );
  const outcomes = meter.createCounter(
    'marketops_outcomes',
    '1',
    'Recorded outcomes, by operation kind, outcome and first reason code',
  );
  const durations = meter.createHistogram(
    OPERATION_DURATION,
    'float',
    's',
    'From submission (workflow start) to the recorded outcome, by operation kind',
  );
  receipts.add(0, { decision: 'accepted', code: 'none' });
  calls.add(0, { status: '201' });
  for (const kind of rateLimitCodes) waits.add(0, { kind });
  for (const kind of OPERATION_KINDS) {
    for (const outcome of OUTCOMES) outcomes.add(0, { kind, outcome, code: 'none' });
  }
  return {
    receipt: (decision, code) => receipts.add(1, { decision, code: code ?? 'none' }),
    githubCall: (status) => calls.add(1, { status: String(status) }),
    rateLimitWait: (kind) => waits.add(1, { kind }),
    outcome: (kind, outcome, code) =>
      outcomes.add(1, { kind: kindLabel(kind), outcome, code: code ?? 'none' }),
    operationDuration: (kind, seconds) => durations.record(seconds, { kind: kindLabel(kind) }),
  };
}
