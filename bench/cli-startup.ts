import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { percentile } from '../test/support/stats.js';
import { saveResult } from './lib/results.js';

/**
 * `marketops --help`, wall clock from spawn to exit, compiled (dist/, what bin/marketops.js runs
 * when the build is fresh) side by side with tsx compiling the same sources on load (what it runs
 * otherwise, and what every call ran before). Interleaved, so load on the machine hits both alike.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;

const variants = {
  compiled: ['bin/marketops.js', '--help'],
  tsx: ['--import', 'tsx', 'src/cli/main.ts', '--help'],
} as const;

function timeOnce(args: readonly string[]): number {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

if (spawnSync(process.execPath, ['bin/build-state.js'], { cwd: root }).status !== 0)
  throw new Error('dist/ is stale or missing: run `npm run build` first.');
const samples: Record<keyof typeof variants, number[]> = { compiled: [], tsx: [] };
for (const name of Object.keys(variants) as (keyof typeof variants)[]) timeOnce(variants[name]); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const name of Object.keys(variants) as (keyof typeof variants)[])
    samples[name].push(timeOnce(variants[name]));
}

for (const values of Object.values(samples)) values.sort((a, b) => a - b);
const ms = (value: number) => `${Math.round(value)} ms`;
const summary = (name: keyof typeof variants) =>
  `p50 ${ms(percentile(samples[name], 50))}, p90 ${ms(percentile(samples[name], 90))}, max ${ms(Math.max(...samples[name]))}`;
await saveResult({
  name: 'cli-startup',
  title: `CLI start-up: marketops --help (${RUNS} runs each, interleaved)`,
  summary: [
    ['Compiled (dist/, node bin/marketops.js --help)', summary('compiled'), 'p50 ≤ 500 ms'],
    ['tsx on load (node --import tsx src/cli/main.ts --help)', summary('tsx')],
    ['Speed-up at p50', `${(percentile(samples.tsx, 50) / percentile(samples.compiled, 50)).toFixed(1)}×`],
  ],
  charts: [],
  notes: [
    'Wall clock from spawn to exit, measured by bench/cli-startup.ts (npm run bench:cli-startup).',
    'Both load the same sources; commands import the Temporal SDK and the stores only when they run.',
  ],
  data: samples,
});
process.stdout.write(`compiled: ${summary('compiled')}\ntsx: ${summary('tsx')}\n`);
