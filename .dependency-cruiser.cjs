/**
 * The written layering (docs/architecture.md), enforced by `npm test`. Higher layers may
 * import lower ones, never the reverse; nothing imports in a cycle.
 */
const upper = (...folders) => `^src/(${folders.join('|')})/`;
/** The pure logic the workflows run in their bundle: a run's state machine, refusals, reasons, views, records; an execution's outcome line. */
const runsInWorkflows =
  'runs/(prepared|reasons|refusals|run-state|run-record|step-workflow|timeline-view|outcome-line)\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'shared-is-dependency-free',
      comment:
        'src/shared.ts holds the names shared across the workflow boundary; it imports nothing of ours but the codes.',
      severity: 'error',
      from: { path: '^src/shared\\.ts$' },
      to: { path: '^src/(?!codes\\.ts$)' },
    },
    {
      name: 'codes-are-dependency-free',
      comment: 'src/codes.ts holds every code and its meaning; it imports nothing.',
      severity: 'error',
      from: { path: '^src/codes\\.ts$' },
      to: { path: '.' },
    },
    {
      name: 'foundations-stay-below-the-executor',
      comment:
        'receipts, policy, keys, audit, ledger, budgets, runs, github, operations, artifacts, sandbox, config, logging, metrics and temporal are building blocks.',
      severity: 'error',
      from: {
        path: upper(
          'receipts',
          'policy',
          'keys',
          'audit',
          'ledger',
          'budgets',
          'runs',
          'github',
          'operations',
          'artifacts',
          'sandbox',
          'config',
          'logging',
          'metrics',
          'temporal',
        ),
      },
      to: { path: upper('activities', 'workflows', 'client', 'worker', 'demo', 'stack', 'cli') },
    },
    {
      name: 'config-is-a-leaf',
      comment:
        'Configuration parses the environment into values; loading what they name belongs to its users.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/(?!config/|common/|(shared|codes)\\.ts$)' },
    },
    {
      name: 'sandbox-stands-alone',
      comment:
        'The sandbox plays GitHub: it shares nothing with the executor but logging and the generic helpers.',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { path: '^src/(?!sandbox/|logging/|common/)' },
    },
    {
      name: 'activities-below-workflows',
      severity: 'error',
      from: { path: '^src/activities/' },
      to: { path: upper('workflows', 'client', 'worker', 'demo', 'stack', 'cli') },
    },
    {
      name: 'workflows-import-only-shared-names-pure-runs-and-types',
      comment:
        'Workflow code is bundled into the deterministic sandbox: shared names, codes, the pure run logic, and activities and requests as types only.',
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: {
        path: `^src/(?!workflows/|(shared|codes)\\.ts$|${runsInWorkflows})`,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'pure-runs-stay-pure',
      comment:
        'The run logic bundled into workflows imports at run time only shared.ts, codes.ts, src/common and each other: no SDK, no I/O.',
      severity: 'error',
      from: { path: `^src/${runsInWorkflows}` },
      to: {
        path: `^(?!src/((shared|codes)\\.ts$|common/|${runsInWorkflows}))`,
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'client-and-worker-below-the-entry-points',
      severity: 'error',
      from: { path: upper('client', 'worker', 'workflows') },
      to: { path: upper('demo', 'stack', 'cli') },
    },
    {
      name: 'demo-and-stack-below-the-cli',
      severity: 'error',
      from: { path: upper('demo', 'stack') },
      to: { path: upper('cli') },
    },
    {
      name: 'src-does-not-import-tests-or-benchmarks',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'tests-do-not-import-benchmarks',
      comment:
        'Benchmarks build on the test support (test/support holds the drills both run), never the reverse.',
      severity: 'error',
      from: { path: '^test/' },
      to: { path: '^bench/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
