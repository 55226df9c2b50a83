import { randomUUID } from 'node:crypto';
import type { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { executionResult } from '../../src/client/execution-result.js';
import { releaseRequest, tagRequest } from '../../src/demo/requests.js';
import { DEFAULT_AUDIENCE, generateSigningKey, issueReceipt } from '../../src/receipts/index.js';
import { TASK_QUEUE, WORKFLOW_TYPE, workflowIdFor } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { codesOf } from '../support/results.js';

// Started with the raw Temporal client, as any Federation Core on another SDK (or anyone
// with access to the namespace) can: the workflow alone must hold. The dev server, because
// real id-policy semantics are under test and nothing here needs time to skip.
const suite = useExecutorHarness('dev-server');
const runId = runIds('raw');

interface IdPolicies {
  workflowIdReusePolicy?: WorkflowIdReusePolicy;
  workflowIdConflictPolicy?: WorkflowIdConflictPolicy;
}

function start(workflowId: string, args: unknown[], policies: IdPolicies = {}) {
  return suite.harness.env.client.workflow.start(WORKFLOW_TYPE, {
    workflowId,
    taskQueue: TASK_QUEUE,
    args,
    workflowExecutionTimeout: '5 minutes',
    ...policies,
  });
}

const receiptIdOf = (receipt: string): string =>
  JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString()).jti;

async function recordsOf(workflowId: string) {
  const entries = await suite.harness.store.entries();
  return entries.filter((entry) => entry.record.temporal?.workflow_id === workflowId);
}

const releasesPosted = async () =>
  (await suite.harness.writes()).filter((entry) => entry.path.endsWith('/releases')).length;

describe('any input a starter can send ends rejected, recorded and closed', () => {
  const huge = 'x'.repeat(1_000_000);
  const inputs: [string, unknown[]][] = [
    ['null', [null]],
    ['no argument', []],
    ['a number', [42]],
    ['a string', ['receipt']],
    ['an array', [[1, 2]]],
    ['an empty object', [{}]],
    ['an unknown member', [{ receipt: 'x', request: {}, extra: true }]],
    ['a receipt that is not a string', [{ receipt: 7, request: releaseRequest('raw-run', 'v1') }]],
    ['a huge payload', [{ receipt: huge, request: { run_id: huge } }]],
  ];

  for (const [name, args] of inputs) {
    it(`${name}: rejected within 60 s with a record`, async () => {
      const workflowId = `raw-${randomUUID()}`;
      const result = await suite.harness.withWorkers('prod', async () =>
        executionResult(await start(workflowId, args)),
      );
      expect(result.status).toBe('rejected');
      expect(codesOf(result).length).toBeGreaterThan(0);
      const [record] = await recordsOf(workflowId);
      expect(record?.record.outcome).toBe('rejected');
      expect(record?.leafHash).toBe(result.audit.leafHash);
    }, 60_000);
  }

  it('the malformed envelope is named in one sentence', async () => {
    const workflowId = `raw-${randomUUID()}`;
    const result = await suite.harness.withWorkers('prod', async () =>
      executionResult(await start(workflowId, [null])),
    );
    expect(result.status === 'rejected' && result.reasons).toEqual([
      {
        code: 'MALFORMED',
        message: 'The workflow input must be one object { receipt, request } and nothing else, not null.',
      },
    ]);
  }, 60_000);
});

describe('a receipt executes only under its own workflow id', () => {
  it('a foreign id is rejected before anything is consumed; the receipt then ships under its own id', async () => {
    const { harness } = suite;
    await harness.sandbox.admin.reset();
    const request = releaseRequest(runId(), `v-foreign-${Date.now()}`);
    const receipt = await harness.issue(request);
    await harness.withWorkers('prod', async () => {
      const foreign = await executionResult(await start(`my-scheme-${randomUUID()}`, [{ receipt, request }]));
      expect(codesOf(foreign)).toEqual(['WORKFLOW_ID_MISMATCH']);
      expect(await harness.client.execute({ receipt, request })).toMatchObject({ status: 'succeeded' });
    });
    expect(await releasesPosted()).toBe(1);
  }, 60_000);
});

describe('a forged start cannot burn a genuine receipt', () => {
  it('the forged run is rejected and recorded; the genuine receipt then ships exactly once', async () => {
    const { harness } = suite;
    await harness.sandbox.admin.reset();
    const request = releaseRequest(runId(), `v-forged-${Date.now()}`);
    const receipt = await harness.issue(request);
    const receiptId = receiptIdOf(receipt);
    const attacker = await generateSigningKey('federation-test');
    const forged = await issueReceipt(attacker.privateJwk, request, {
      ttlSeconds: 3600,
      audience: DEFAULT_AUDIENCE,
      receiptId,
      now: await harness.now(),
    });
    const workflowId = workflowIdFor(receiptId);
    await harness.withWorkers('prod', async () => {
      const refused = await executionResult(await start(workflowId, [{ receipt: forged, request }]));
      expect(codesOf(refused)).toContain('BAD_SIGNATURE');
      expect(await harness.client.execute({ receipt, request })).toMatchObject({ status: 'succeeded' });
      // Used now: a third start is refused by the id policy, and a raw restart by the ledger.
      expect(await harness.client.execute({ receipt, request })).toMatchObject({ status: 'rejected' });
    });
    expect(await releasesPosted()).toBe(1);
    const outcomes = (await recordsOf(workflowId)).map((entry) => entry.record.outcome);
    expect(outcomes).toEqual(['rejected', 'succeeded']);
  }, 90_000);
});

describe('concurrent starts of one receipt under every id policy', () => {
  const reuse: WorkflowIdReusePolicy[] = [
    'ALLOW_DUPLICATE',
    'ALLOW_DUPLICATE_FAILED_ONLY',
    'REJECT_DUPLICATE',
  ];
  const conflict: WorkflowIdConflictPolicy[] = ['FAIL', 'USE_EXISTING', 'TERMINATE_EXISTING'];
  const paths = reuse.flatMap((reusePolicy) =>
    conflict.map((conflictPolicy) => ({ reusePolicy, conflictPolicy })),
  );

  it('never more than one effect, and exactly one where no run is terminated', async () => {
    const { harness } = suite;
    await harness.sandbox.admin.reset();
    const tags: { tag: string; terminating: boolean }[] = [];
    await harness.withWorkers('prod', async () => {
      for (const { reusePolicy, conflictPolicy } of paths) {
        const tag = `c-${reusePolicy}-${conflictPolicy}-${Date.now()}`.toLowerCase();
        const request = tagRequest(runId(), tag);
        const receipt = await harness.issue(request);
        const receiptId = receiptIdOf(receipt);
        const policies = { workflowIdReusePolicy: reusePolicy, workflowIdConflictPolicy: conflictPolicy };
        const attempt = async () => {
          const handle = await start(workflowIdFor(receiptId), [{ receipt, request }], policies);
          return executionResult(handle).catch((error: Error) => error);
        };
        // Five at once, then two more after they closed.
        await Promise.allSettled(Array.from({ length: 5 }, attempt));
        await Promise.allSettled([attempt()]);
        await Promise.allSettled([attempt()]);
        tags.push({ tag, terminating: conflictPolicy === 'TERMINATE_EXISTING' });
      }
    });
    const posts = (await harness.writes()).filter((entry) => entry.path.endsWith('/git/refs'));
    const repo = await harness.demoRepository();
    const shipped = tags.filter(({ tag }) => repo.refs[`refs/tags/${tag}`] !== undefined);
    // Each shipped tag took exactly one write, and no second consumer ever reached GitHub.
    expect(posts.map((entry) => entry.status)).toEqual(shipped.map(() => 201));
    // A terminated run may have consumed the receipt before its write: at most one there.
    const untouched = tags.filter(({ terminating }) => !terminating).map(({ tag }) => tag);
    expect(shipped.map(({ tag }) => tag)).toEqual(expect.arrayContaining(untouched));
  }, 300_000);
});
