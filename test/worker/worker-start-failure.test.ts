import { createServer, type Socket } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { marketopsInBackground } from '../support/processes.js';
import { workerEnv, workerRun } from '../support/worker-process.js';

/**
 * Issue 23, point 2: a worker whose PostgreSQL is unreachable printed `connect ECONNREFUSED`, then
 * stayed up with its metrics endpoint answering, so no supervisor restarted it. Now it names the
 * part, where it is and its variable, exits 1 within seconds, and its port never says healthy.
 * Nothing listens on port 1 of loopback.
 */
const CLOSED = 'postgres://marketops@127.0.0.1:1/marketops';

it.each([
  ['MARKETOPS_AUDIT_STORE', 'audit store'],
  ['MARKETOPS_LEDGER', 'receipt ledger'],
  ['MARKETOPS_BUDGET_STORE', 'budget store'],
])(
  'with %s on a closed PostgreSQL port: exit 1 within seconds, naming it, never healthy',
  async (variable, part) => {
    const worker = await workerRun(await workerEnv({ [variable]: CLOSED }));
    expect(worker.code, worker.stderr).toBe(1);
    expect(worker.stderr).toMatch(
      new RegExp(
        `marketops: The worker cannot start: its ${part} on PostgreSQL at 127\\.0\\.0\\.1:1 failed \\(.*ECONNREFUSED.*\\); check ${variable}\\.`,
      ),
    );
    expect(worker.stderr).not.toMatch(/\n\s+at /); // one sentence, no stack
    // Generous for a loaded box; the hang it replaces never ended by itself.
    expect(worker.ms).toBeLessThan(15_000);
    expect(worker.health).not.toContain(200);
  },
  60_000,
);

/** Accepts connections and never answers: Temporal's connect waits its 10 s for it. */
const sockets = new Set<Socket>();
const blackHole = createServer((socket) => sockets.add(socket));
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
});

it('ends at once on SIGTERM while it is still starting', async () => {
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  const { port } = blackHole.address() as { port: number };
  const worker = marketopsInBackground(
    ['worker'],
    await workerEnv({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` }),
  );
  await new Promise((resolve) => setTimeout(resolve, 3_000)); // loaded, and connecting silently
  expect(worker.child.exitCode, worker.output()).toBeNull(); // still connecting
  const signalled = Date.now();
  expect(await worker.stop('SIGTERM')).toBe(143);
  expect(Date.now() - signalled).toBeLessThan(2_000);
}, 60_000);
