import { execFileSync, fork } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exited } from '../../test/support/cli-process.js';
import { type LatencySummary, summarize } from '../../test/support/stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = fileURLToPath(new URL('light-latency-child.ts', import.meta.url));

export interface LightLatency {
  commit: string;
  latency: LatencySummary;
}

/** A worktree of `commit` in `dir`, sharing this checkout's node_modules and installed tools. */
function worktreeOf(commit: string, dir: string): string {
  execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', dir, commit], { stdio: 'ignore' });
  for (const shared of ['node_modules', '.tools']) {
    const path = join(dir, shared);
    if (!existsSync(path)) symlinkSync(join(ROOT, shared), path);
  }
  return dir;
}

function startChild(root: string) {
  const child = fork(CHILD, [root], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const reply = () =>
    new Promise<{ latencies?: number[] }>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`light-latency child for ${root} exited ${code}`)));
    });
  return { child, reply };
}

/**
 * p50 submit→result at light load for this checkout and `previousCommit`, side by side: each
 * runs its own stack and in-process workers in a child process, and they take turns, `rounds`
 * rounds of `perRound` sequential operations each (after `warmUp`), so both see the same box.
 */
export async function compareLightLatency(options: {
  previousCommit: string;
  worktreeDir: string;
  warmUp: number;
  rounds: number;
  perRound: number;
}): Promise<{ current: LightLatency; previous: LightLatency }> {
  const head = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).toString().trim();
  const previousRoot = worktreeOf(options.previousCommit, options.worktreeDir);
  const children = [startChild(ROOT), startChild(previousRoot)];
  try {
    await Promise.all(children.map((c) => c.reply()));
    for (const c of children) {
      c.child.send({ ops: options.warmUp });
      await c.reply();
    }
    const samples: number[][] = [[], []];
    for (let round = 0; round < options.rounds; round++) {
      for (const [i, c] of children.entries()) {
        c.child.send({ ops: options.perRound });
        samples[i]?.push(...((await c.reply()).latencies ?? []));
      }
    }
    return {
      current: { commit: `${head} (this code)`, latency: summarize(samples[0] ?? []) },
      previous: { commit: options.previousCommit, latency: summarize(samples[1] ?? []) },
    };
  } finally {
    for (const c of children) {
      c.child.send({});
      await exited(c.child);
    }
    execFileSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', options.worktreeDir], {
      stdio: 'ignore',
    });
  }
}
