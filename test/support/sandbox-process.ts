import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { SandboxAdmin, type SandboxConfig } from '../../src/sandbox/index.js';
import { exited, spawnMarketops } from './cli-process.js';

export interface SandboxProcess {
  url: string;
  token: string;
  pid: number;
  admin: SandboxAdmin;
  close(): Promise<void>;
}

const announcement = z.object({ url: z.url(), token: z.string().min(1) });

/**
 * `marketops sandbox` as its own process, so GitHub's stand-in does not share a CPU
 * queue (or an RSS figure) with the executor being measured.
 */
export async function startSandboxProcess(config: SandboxConfig, dir: string): Promise<SandboxProcess> {
  // Unique per process: sandboxes started in the same millisecond must not share a config.
  const name = `sandbox-${randomUUID()}`;
  const configFile = join(dir, `${name}.json`);
  const logFile = join(dir, `${name}.log`);
  await writeFile(configFile, JSON.stringify(config));
  const child = spawnMarketops(['sandbox', '--port', '0', '--json', '--config', configFile], { logFile });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited(child).then(() => {
      throw new Error(`The sandbox process exited early; see ${logFile}.`);
    }),
  ]);
  const { url, token } = announcement.parse(JSON.parse(first));
  return {
    url,
    token,
    pid: child.pid as number,
    admin: new SandboxAdmin(url, token),
    async close() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
