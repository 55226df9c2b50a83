import type { MetricMeter } from '@temporalio/common';

/**
 * Our own counters, on the Temporal Runtime's meter so they appear on the same
 * Prometheus endpoint as the SDK's metrics.
 */
export interface ExecutorMetrics {
  receipt(decision: 'accepted' | 'rejected' | 'blocked_by_mode', code?: string): void;
  githubCall(status: number): void;
  rateLimitWait(kind: string): void;
}

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
  return {
    receipt: (decision, code = 'none') => receipts.add(1, { decision, code }),
    githubCall: (status) => calls.add(1, { status: String(status) }),
    rateLimitWait: (kind) => waits.add(1, { kind }),
  };
}
