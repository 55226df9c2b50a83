import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';

export const HEALTH_PATH = '/healthz';

export interface HealthEndpoint {
  /** From now on, `/healthz` asks `polling` and the metrics are served. */
  running(polling: () => Promise<boolean>): void;
  close(): Promise<void>;
}

const answer = (response: ServerResponse, status: number, text: string) =>
  response.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);

/**
 * The worker's one public port. Until its workers run, every path answers 503; then `/healthz`
 * answers 200 while they poll and reach Temporal (503 otherwise), and any other path the Temporal
 * Runtime's metrics, read from its loopback endpoint `runtimeMetricsUrl`. The Runtime opens its endpoint before
 * anything can fail, so published as is it called a worker that never started healthy (issue 23).
 * It listens from the start, so a port already in use stops the worker before it polls.
 */
export async function serveHealthAndMetrics(
  port: number,
  runtimeMetricsUrl: string,
): Promise<HealthEndpoint> {
  let polling: (() => Promise<boolean>) | undefined;
  const server = createServer((request, response) => {
    if (!polling) return answer(response, 503, 'starting');
    if (request.url === HEALTH_PATH) {
      polling().then(
        (ok) => answer(response, ok ? 200 : 503, ok ? 'polling' : 'not polling'),
        () => answer(response, 503, 'not polling'),
      );
      return;
    }
    fetch(runtimeMetricsUrl).then(
      async (metrics) => {
        const type = metrics.headers.get('content-type') ?? 'text/plain';
        response.writeHead(metrics.status, { 'content-type': type }).end(await metrics.text());
      },
      (error: Error) => answer(response, 502, error.message),
    );
  });
  server.listen(port, '0.0.0.0');
  await once(server, 'listening');
  return {
    running(isPolling) {
      polling = isPolling;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
