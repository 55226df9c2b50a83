import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

/**
 * Issue 23, point 2: a worker whose PostgreSQL is unreachable printed `connect ECONNREFUSED`, then
 * stayed up with its metrics endpoint answering, so no supervisor restarted it. Now it names the
 * part and its variable and exits 1 within seconds. Nothing listens on port 1 of loopback.
 */
it('exits 1 within seconds, naming the part, when its audit store cannot be opened', async () => {
  const dataDir = await tempDir('worker-start');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MARKETOPS_DATA_DIR: dataDir,
    MARKETOPS_METRICS_PORT: String(await freePort()),
    MARKETOPS_AUDIT_STORE: 'postgres://marketops@127.0.0.1:1/marketops',
  };
  const keys = await marketops(['keygen', '--out', join(dataDir, 'keys')], { env });
  expect(keys.code, keys.stderr).toBe(0);
  const auditKey = await marketops(['audit', 'keygen'], { env });
  expect(auditKey.code, auditKey.stderr).toBe(0);

  const started = Date.now();
  const worker = await marketops(['worker'], { env });
  expect(worker.code, worker.stderr).toBe(1);
  expect(worker.stderr).toMatch(
    /marketops: The worker cannot start: its audit store failed \(.*ECONNREFUSED.*\); check MARKETOPS_AUDIT_STORE\./,
  );
  expect(worker.stderr).not.toMatch(/\n\s+at /); // one sentence, no stack
  // Generous for a loaded box; the hang it replaces never ended by itself.
  expect(Date.now() - started).toBeLessThan(15_000);
}, 60_000);
