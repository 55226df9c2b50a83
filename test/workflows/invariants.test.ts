import { describe, expect, it } from 'vitest';
import { pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { DEFAULT_AUDIENCE, generateSigningKey, issueReceipt } from '../../src/receipts/index.js';
import type { ExecutionResult } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { codesOf } from '../support/results.js';

const suite = useExecutorHarness('time-skipping');
const runId = runIds('run');

async function execute(receipt: string, request: unknown): Promise<ExecutionResult> {
  return suite.harness.client.execute({ receipt, request });
}

describe('the eight original invariants, end to end', () => {
  it('1. mode must be exactly prod: dry-run blocks and lets zero writes reach GitHub', async () => {
    await suite.harness.sandbox.admin.reset();
    const request = releaseRequest(runId(), 'v0.1.0-dry');
    const result = await suite.harness.withWorkers('dry-run', async () =>
      execute(await suite.harness.issue(request), request),
    );
    expect(result.status).toBe('blocked_by_mode');
    if (result.status !== 'blocked_by_mode') return;
    expect(result.plan).toEqual([
      expect.objectContaining({ method: 'POST', path: '/repos/omega/marketops/releases' }),
    ]);
    expect(result.plan[0]?.body).toMatchObject({
      tag_name: 'v0.1.0-dry',
      target_commitish: '<sha of the commit main resolves to>',
    });
    expect(await suite.harness.writes()).toEqual([]);
  });

  describe('in prod', () => {
    const cases: { name: string; code: string; make: () => Promise<[string, OperationRequest]> }[] = [
      {
        name: '2. a receipt must be present',
        code: 'RECEIPT_MISSING',
        make: async () => ['', releaseRequest(runId(), 'v-missing')],
      },
      {
        name: '3. advisory receipts are rejected',
        code: 'NOT_ENFORCEABLE',
        make: async () => {
          const request = releaseRequest(runId(), 'v-advisory');
          return [await suite.harness.issue(request, { enforceable: false }), request];
        },
      },
      {
        name: '4. bound to run_id',
        code: 'RUN_ID_MISMATCH',
        make: async () => {
          const request = releaseRequest(runId(), 'v-run');
          return [await suite.harness.issue(request), { ...request, run_id: 'another-run' }];
        },
      },
      {
        name: '5. bound to operation_kind',
        code: 'OPERATION_KIND_MISMATCH',
        make: async () => {
          const run = runId();
          return [await suite.harness.issue(tagRequest(run, 'v-kind')), releaseRequest(run, 'v-kind')];
        },
      },
      {
        name: '7. not expired',
        code: 'EXPIRED',
        make: async () => {
          const request = releaseRequest(runId(), 'v-expired');
          const now = new Date((await suite.harness.now()).getTime() - 2 * 3600_000);
          return [await suite.harness.issue(request, { now, ttlSeconds: 3600 }), request];
        },
      },
      {
        name: '8. not stale (issued more than 24 h ago)',
        code: 'STALE',
        make: async () => {
          const request = releaseRequest(runId(), 'v-stale');
          const now = new Date((await suite.harness.now()).getTime() - 25 * 3600_000);
          return [await suite.harness.issue(request, { now, ttlSeconds: 86_400 }), request];
        },
      },
      {
        name: 'and bound to the exact request parameters',
        code: 'PARAMS_MISMATCH',
        make: async () => {
          const request = releaseRequest(runId(), 'v-params');
          return [await suite.harness.issue(request), { ...request, body: 'tampered notes' }];
        },
      },
    ];

    for (const { name, code, make } of cases) {
      it(`${name} (${code}), writing nothing and recording the rejection`, async () => {
        await suite.harness.sandbox.admin.reset();
        const [receipt, request] = await make();
        const result = await suite.harness.withWorkers('prod', () => execute(receipt, request));
        expect(codesOf(result)).toContain(code);
        expect(await suite.harness.writes()).toEqual([]);
        const recorded = (await suite.harness.store.entries()).at(-1)?.record;
        expect(recorded?.outcome).toBe('rejected');
        expect(recorded?.reasons.map((r) => r.code)).toContain(code);
      });
    }

    it('6. one-time use: a second submission is ALREADY_CONSUMED and recorded', async () => {
      await suite.harness.sandbox.admin.reset();
      const request = releaseRequest(runId(), 'v-once');
      const receipt = await suite.harness.issue(request);
      const { client } = suite.harness;
      const [first, second] = await suite.harness.withWorkers('prod', async () => {
        const started = await client.submit({ receipt, request });
        const again = await client.submit({ receipt, request });
        if (started.status !== 'started' || again.status !== 'rejected')
          throw new Error('expected one start, one refusal');
        return [await client.result(started.receiptId), again];
      });
      expect([first.status, codesOf(first)]).toEqual(['succeeded', []]);
      expect(codesOf(second)).toEqual(['ALREADY_CONSUMED']);
      expect((await suite.harness.demoRepository()).releases).toHaveLength(1);
      const records = await suite.harness.store.byRunId(request.run_id);
      expect(records.map((entry) => entry.record.outcome).sort()).toEqual(['rejected', 'succeeded']);
    });
  });
});

describe('beyond the prototype', () => {
  it('a forged receipt does not use up the genuine receipt id', async () => {
    await suite.harness.sandbox.admin.reset();
    const request = releaseRequest(runId(), 'v-forged');
    const receiptId = `forge-target-${runId()}`;
    const attacker = await generateSigningKey('federation-test');
    const [forgedResult, genuineResult] = await suite.harness.withWorkers('prod', async () => {
      const forged = await issueReceipt(attacker.privateJwk, request, {
        ttlSeconds: 600,
        now: await suite.harness.now(),
        audience: DEFAULT_AUDIENCE,
        receiptId,
      });
      const rejected = await execute(forged, request);
      return [rejected, await execute(await suite.harness.issue(request, { receiptId }), request)];
    });
    expect(codesOf(forgedResult)).toContain('BAD_SIGNATURE');
    expect([genuineResult.status, codesOf(genuineResult)]).toEqual(['succeeded', []]);
  });

  it('each kind succeeds and its result carries the audit anchor', async () => {
    await suite.harness.sandbox.admin.reset();
    const run = runId();
    const requests = [
      releaseRequest(run, 'v1.0.0'),
      tagRequest(run, 'v1.0.0-annotated', 'Annotated'),
      tagRequest(run, 'v1.0.0-light'),
      pullRequest(run, 'Launch'),
    ];
    const results = await suite.harness.withWorkers('prod', async () => {
      const out: ExecutionResult[] = [];
      for (const request of requests) out.push(await execute(await suite.harness.issue(request), request));
      return out;
    });
    expect(results.map((r) => [r.status, codesOf(r)])).toEqual(requests.map(() => ['succeeded', []]));
    const entries = await suite.harness.store.byRunId(run);
    expect(entries).toHaveLength(4);
    for (const [i, result] of results.entries()) {
      expect(result.audit.leafHash).toBe(entries[i]?.leafHash);
      expect(result.audit.checkpoint.size).toBeGreaterThan(result.audit.index);
    }
    const status = await suite.harness.client.executionStatus(entries[0]?.record.receipt_id ?? '');
    expect(status).toMatchObject({ status: 'COMPLETED', result: { status: 'succeeded' } });
  });
});
