import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
// Each test file runs in its own process (vitest forks), so its directories go when it ends;
// a plain exit hook also serves the scripts that share this support (histories, benchmarks).
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed when the process that made it exits. */
export async function tempDir(purpose: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `marketops-${purpose}-`));
  made.push(dir);
  return dir;
}
