import { DefaultLogger, Runtime } from '@temporalio/worker';
import { freePort } from '../../test/support/ports.js';

/** Totals of one SDK latency histogram (milliseconds), per activity type when it has one. */
export interface LatencyTotals {
  name: string;
  activityType?: string;
  count: number;
  sumMs: number;
}

export interface LatencyMetric {
  name: string;
  activityType?: string;
  count: number;
  meanMs: number;
}

const keyOf = (t: { name: string; activityType?: string }) => `${t.name}|${t.activityType ?? ''}`;

/** Mean latencies over the interval between two scrapes (the histograms are cumulative). */
export function meanLatencies(after: LatencyTotals[], before: LatencyTotals[] = []): LatencyMetric[] {
  const earlier = new Map(before.map((t) => [keyOf(t), t]));
  return after
    .map((t) => {
      const base = earlier.get(keyOf(t));
      const count = t.count - (base?.count ?? 0);
      const sum = t.sumMs - (base?.sumMs ?? 0);
      return {
        name: t.name,
        ...(t.activityType ? { activityType: t.activityType } : {}),
        count,
        meanMs: Math.round((sum / count) * 10) / 10,
      };
    })
    .filter((metric) => metric.count > 0);
}

/**
 * Installs the Temporal Runtime with a Prometheus endpoint, so the SDK's own latency histograms
 * (schedule-to-start, task execution, end-to-end) say where time goes. Call before any connection.
 */
export async function installMetricsRuntime(): Promise<{ scrape(): Promise<LatencyTotals[]> }> {
  const port = await freePort();
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: {
      logging: { forward: {}, filter: 'ERROR' },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } },
    },
  });
  return {
    scrape: async () => parseLatencies(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()),
  };
}

const SAMPLE = /^(temporal_[a-z_]*latency[a-z_]*)_(sum|count)(?:\{([^}]*)\})? ([0-9.eE+-]+)$/;

function parseLatencies(text: string): LatencyTotals[] {
  const totals = new Map<string, LatencyTotals>();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name = '', part, labels = '', value = '0'] = match;
    const activityType = /activity_type="([^"]*)"/.exec(labels)?.[1];
    const key = keyOf({ name, activityType });
    const total = totals.get(key) ?? { name, ...(activityType ? { activityType } : {}), sumMs: 0, count: 0 };
    if (part === 'sum') total.sumMs += Number(value);
    else total.count += Number(value);
    totals.set(key, total);
  }
  return [...totals.values()];
}
