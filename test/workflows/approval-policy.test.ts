import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { decisionProblem } from '../../src/audit/decision-recheck.js';
import {
  type DecisionVersions,
  exportBundle,
  openDecisionVersions,
  verifyBundle,
} from '../../src/audit/index.js';
import { fetchRunHistories } from '../../src/audit/temporal-histories.js';
import { tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { type PolicySource, policySource, revokeKey } from '../../src/policy/index.js';
import {
  addSignature,
  DEFAULT_AUDIENCE,
  generateSigningKey,
  issueReceipt,
  opDigest,
  readKeyRingFile,
} from '../../src/receipts/index.js';
import type { ExecutionResult } from '../../src/shared.js';
import { runClientOf } from '../runs/fixtures.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { codesOf } from '../support/results.js';
import { tempDir } from '../support/temp-dirs.js';
import { waitFor } from '../support/wait.js';

const policyText = (count: number) => `version: 1
approvers:
  - name: alice
    keys: [{ kid: alice-key }, { kid: alice-spare }]
  - name: bob
    keys: [{ kid: bob-key }]
  - name: carol
    keys: [{ kid: carol-key }]
approver_sets:
  release-managers: [alice, bob, carol]
rules:
  - name: two-person tags
    match: { kinds: [tag_repo], modes: [prod] }
    requires: { count: ${count}, from: [release-managers] }
    forbid_requester: true
`;

const keys: Record<string, JWK> = {};
/** Where the workers keep each policy and revocation-list version they decide with, as the worker does beside its audit log. */
let versions: DecisionVersions;
const files = { policy: '', revocations: '' };
/** Set by a test: called on the policy source's second read, i.e. after approval and before the write. */
let betweenApprovalAndWrite: (() => Promise<void>) | undefined;

/**
 * The real policy source, re-reading the real files; a test may act at its second read, which is the
 * pre-write check's, as an operator revoking a key between approval and execution would.
 */
function sourceWithPause(real: PolicySource): PolicySource {
  let reads = 0;
  return {
    async current() {
      reads += 1;
      if (reads % 2 === 0 && betweenApprovalAndWrite) await betweenApprovalAndWrite();
      return real.current();
    },
    decide: real.decide,
  };
}

const suite = useExecutorHarness('dev-server', async () => {
  const dir = await tempDir('approvals');
  const pairs = await Promise.all(
    ['alice-key', 'alice-spare', 'bob-key', 'carol-key'].map((kid) => generateSigningKey(kid)),
  );
  for (const pair of pairs) keys[pair.privateJwk.kid] = pair.privateJwk;
  const ring = join(dir, 'ring.jwks.json');
  await writeFile(ring, JSON.stringify({ keys: pairs.flatMap((pair) => pair.publicJwks.keys) }));
  files.policy = join(dir, 'policy.yaml');
  files.revocations = join(dir, 'revocations.json');
  await writeFile(files.policy, policyText(2));
  versions = await openDecisionVersions(join(dir, 'versions'));
  const real = policySource({ policyFile: files.policy, revocationsFile: files.revocations }, versions.keep);
  return { keys: await readKeyRingFile(ring), policy: sourceWithPause(real) };
});
const runId = runIds('approvals');

/** A tag receipt signed by the first kid and co-signed by the others. */
async function approvedBy(request: OperationRequest, ...kids: string[]): Promise<string> {
  const [first = '', ...others] = kids;
  let receipt = await issueReceipt(keys[first] as JWK, request, {
    ttlSeconds: 3600,
    audience: DEFAULT_AUDIENCE,
    now: await suite.harness.now(),
  });
  for (const kid of others) receipt = await addSignature(receipt, keys[kid], request);
  return receipt;
}

/** The writes GitHub (the sandbox) received while `body` ran: the tests of this file run one at a time. */
async function writesDuring<T>(body: () => Promise<T>): Promise<{ result: T; writes: number }> {
  const before = (await suite.harness.writes()).length;
  const result = await body();
  return { result, writes: (await suite.harness.writes()).length - before };
}

const newTag = (label: string) => tagRequest(runId(), `v-${label}-${Date.now()}`, `${label} test`);
async function recordOf(result: ExecutionResult) {
  const [entry] = await suite.harness.store.entries(result.audit.index, result.audit.index + 1);
  return entry?.record;
}

const execute = (request: OperationRequest, receipt: string) =>
  suite.harness.withWorkers('prod', () => suite.harness.client.execute({ receipt, request }));
/** Executes and checks that a refused operation wrote nothing and a shipped one wrote. */
async function executeCounting(request: OperationRequest, receipt: string): Promise<ExecutionResult> {
  const { result, writes } = await writesDuring(() => execute(request, receipt));
  expect(writes === 0).toBe(result.status !== 'succeeded');
  return result;
}

describe('the executor applies the approval policy', () => {
  it('one approval of a two-person rule is refused as NEEDS_APPROVALS, and nothing is written', async () => {
    const request = newTag('one');
    const result = await executeCounting(request, await approvedBy(request, 'alice-key'));
    expect(result.status).toBe('rejected');
    expect(codesOf(result)).toEqual(['NEEDS_APPROVALS']);
    const record = await recordOf(result);
    expect(record?.policy_digest).toMatch(/^sha256:/);
    expect(record?.approvals).toEqual([
      expect.objectContaining({ kid: 'alice-key', approver: 'alice', accepted: true, reason: null }),
    ]);
  });

  it('two approvers ship it; the record names both, with their keys thumbprints', async () => {
    const request = newTag('two');
    const result = await executeCounting(request, await approvedBy(request, 'alice-key', 'bob-key'));
    expect(result.status).toBe('succeeded');
    const record = await recordOf(result);
    expect(record?.approvals?.map((a) => [a.kid, a.approver, a.accepted])).toEqual([
      ['alice-key', 'alice', true],
      ['bob-key', 'bob', true],
    ]);
    expect(record?.approvals?.every((a) => /^[\w-]{43}$/.test(a.thumbprint ?? ''))).toBe(true);
  });

  it('two keys of one approver count once: DUPLICATE_APPROVER, still NEEDS_APPROVALS', async () => {
    const request = newTag('dup');
    const result = await executeCounting(request, await approvedBy(request, 'alice-key', 'alice-spare'));
    expect(result.status).toBe('rejected');
    expect(codesOf(result)).toEqual(['NEEDS_APPROVALS', 'DUPLICATE_APPROVER']);
  });

  it("the request's requester may not approve it: SELF_APPROVAL, and two others ship it", async () => {
    const request = { ...newTag('self'), requester: 'alice' };
    const refused = await executeCounting(request, await approvedBy(request, 'alice-key', 'bob-key'));
    expect(codesOf(refused)).toEqual(['NEEDS_APPROVALS', 'SELF_APPROVAL']);
    const record = await recordOf(refused);
    expect(record?.approvals?.map((a) => [a.approver, a.accepted, a.reason?.code ?? null])).toEqual([
      ['alice', false, 'SELF_APPROVAL'],
      ['bob', true, null],
    ]);
    const other = { ...newTag('self-others'), requester: 'alice' };
    const shipped = await executeCounting(other, await approvedBy(other, 'bob-key', 'carol-key'));
    expect(shipped.status).toBe('succeeded');
    // The requester is part of what the approvers signed: dropping it no longer matches the receipt.
    const { requester: _, ...unnamed } = other;
    const dropped = await execute(unnamed, await approvedBy(other, 'bob-key', 'carol-key'));
    expect(dropped.status).toBe('rejected');
  });

  it('a forged co-signature does not count: the valid one alone is not enough', async () => {
    const request = newTag('forged');
    const forger = await generateSigningKey('bob-key');
    const receipt = await addSignature(await approvedBy(request, 'alice-key'), forger.privateJwk, request);
    const result = await executeCounting(request, receipt);
    expect(codesOf(result)).toContain('NEEDS_APPROVALS');
    const record = await recordOf(result);
    expect(record?.approvals?.[1]).toMatchObject({ kid: 'bob-key', accepted: false });
  });

  it('a key revoked after approval and before the first write stops it with nothing written', async () => {
    const request = newTag('revoked');
    const receipt = await approvedBy(request, 'alice-key', 'carol-key');
    betweenApprovalAndWrite = async () => {
      await revokeKey(files.revocations, {
        kid: 'carol-key',
        revoked_at: new Date(Date.now() - 1000).toISOString(),
        reason: 'laptop lost',
      });
    };
    try {
      const result = await executeCounting(request, receipt);
      expect(result.status).toBe('rejected');
      expect(codesOf(result)).toEqual(['NEEDS_APPROVALS', 'KEY_REVOKED']);
      const record = await recordOf(result);
      expect(record?.revocations_digest).toMatch(/^sha256:/);
      expect(record?.approvals?.[1]).toMatchObject({ kid: 'carol-key', accepted: false });
      expect(record?.approvals?.[1]?.reason?.code).toBe('KEY_REVOKED');
    } finally {
      betweenApprovalAndWrite = undefined;
    }
    // The key stays revoked for the next approval, at its arrival.
    const next = newTag('revoked-next');
    const refused = await executeCounting(next, await approvedBy(next, 'alice-key', 'carol-key'));
    expect(codesOf(refused)).toEqual(['NEEDS_APPROVALS', 'KEY_REVOKED']);
  });

  it('the policy reloads without a restart, and each record names the version it used', async () => {
    const before = newTag('reload-before');
    const first = await recordOf(await execute(before, await approvedBy(before, 'alice-key')));
    await writeFile(files.policy, policyText(1));
    const after = newTag('reload-after');
    const result = await executeCounting(after, await approvedBy(after, 'bob-key'));
    expect(result.status).toBe('succeeded');
    const second = await recordOf(result);
    expect(second?.policy_digest).toMatch(/^sha256:/);
    expect(second?.policy_digest).not.toBe(first?.policy_digest);
    await writeFile(files.policy, policyText(2));
  });
});

describe('a run collects a step’s approvals as they arrive', () => {
  it('answers what is still missing, then starts the step once two approvers have signed', async () => {
    const run = runId();
    const request = tagRequest(run, `v-run-${Date.now()}`, 'run test');
    const plan = { run_id: run, steps: [{ id: 'tag', request }] };
    const runs = runClientOf(suite.harness);
    const first = await approvedBy(request, 'alice-key');
    const second = await addSignature(first, keys['bob-key'], request);
    const timeline = await suite.harness.withWorkers('prod', async () => {
      await runs.start(plan);
      const [one] = await runs.authorize(run, [{ step: 'tag', receipt: first }]);
      expect(one).toMatchObject({ status: 'pending', step: 'tag' });
      expect(one?.status === 'pending' && one.missing.join(' ')).toContain('1 of 2');
      const pending = await runs.timeline(run);
      expect(pending.steps[0]).toMatchObject({ status: 'waiting_authorization' });
      expect(pending.steps[0]?.missingApprovals?.[0]).toContain('1 of 2');
      // Only bob's signature is new: it joins alice's, held by the run.
      const [two] = await runs.authorize(run, [{ step: 'tag', receipt: second }]);
      expect(two).toMatchObject({ status: 'accepted', step: 'tag' });
      return runs.result(run);
    });
    expect(timeline.steps[0]).toMatchObject({ status: 'shipped' });
    const records = (await suite.harness.store.byRunId(run)).map((entry) => entry.record);
    const [step] = records.filter((record) => record.receipt_id);
    expect(step?.approvals?.map((a) => [a.approver, a.accepted])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
    // The run's own record keeps what the run collected for each step, and the versions it used.
    const runRecord = records.find((record) => record.run !== null);
    expect(runRecord?.policy_digest).toBe(step?.policy_digest);
    expect(runRecord?.run?.steps[0]?.approvals?.map((a) => a.approver)).toEqual(['alice', 'bob']);
  });
});

describe('the policy reloads in the middle of one run', () => {
  it('a rule tightened after step 1 leaves step 2 pending on its one approval; the records name both versions', async () => {
    const run = runId();
    const stamp = Date.now();
    const steps = ['first', 'second'].map((id) => ({
      id,
      request: tagRequest(run, `v-mid-${id}-${stamp}`, id),
    }));
    const [first, second] = steps.map((step) => step.request) as [OperationRequest, OperationRequest];
    const runs = runClientOf(suite.harness);
    await writeFile(files.policy, policyText(1));
    try {
      const timeline = await suite.harness.withWorkers('prod', async () => {
        await runs.start({ run_id: run, steps });
        const [one] = await runs.authorize(run, [
          { step: 'first', receipt: await approvedBy(first, 'alice-key') },
        ]);
        expect(one).toMatchObject({ status: 'accepted', step: 'first' });
        await waitFor(async () => (await runs.timeline(run)).steps[0]?.status === 'shipped');
        // Between the steps, the operator tightens the rule to two approvers; no worker restarts.
        await writeFile(files.policy, policyText(2));
        const alone = await approvedBy(second, 'bob-key');
        const [two] = await runs.authorize(run, [{ step: 'second', receipt: alone }]);
        expect(two).toMatchObject({ status: 'pending', step: 'second' });
        expect(two?.status === 'pending' && two.missing.join(' ')).toContain('1 of 2');
        const cosigned = await addSignature(alone, keys['alice-key'], second);
        const [three] = await runs.authorize(run, [{ step: 'second', receipt: cosigned }]);
        expect(three).toMatchObject({ status: 'accepted', step: 'second' });
        return runs.result(run);
      });
      expect(timeline.steps.map((step) => step.status)).toEqual(['shipped', 'shipped']);
    } finally {
      await writeFile(files.policy, policyText(2));
    }
    const records = (await suite.harness.store.byRunId(run)).map((entry) => entry.record);
    const digestOf = (request: OperationRequest) =>
      records.find((record) => record.op_digest === opDigest(request))?.policy_digest;
    expect(digestOf(first)).toMatch(/^sha256:/);
    expect(digestOf(second)).toMatch(/^sha256:/);
    expect(digestOf(second)).not.toBe(digestOf(first));
    // The run's own record names the latest version it decided with.
    expect(records.find((record) => record.run !== null)?.policy_digest).toBe(digestOf(second));
    // Each step's decision re-checks offline against the version it used.
    const bundle = await bundleOfRun(run);
    expect(Object.keys(bundle.policies).sort()).toEqual([digestOf(first), digestOf(second)].sort());
    expect(await verifyBundle(bundle)).toEqual({ ok: true, records: 3 });
  });
});

/** The run's bundle as `audit export` writes it: records, histories found in Temporal, kept versions. */
async function bundleOfRun(run: string) {
  const { env, store, auditKeys } = suite.harness;
  const histories = await fetchRunHistories(run, await store.byRunId(run), {
    connectionOptions: { address: env.address },
    namespace: env.namespace ?? 'default',
  });
  return exportBundle(store, run, { publicJwks: auditKeys, histories, versions });
}

describe('an auditor re-checks each decision offline from a bundle', () => {
  async function bundleOf(request: OperationRequest, receipt: string) {
    const result = await executeCounting(request, receipt);
    return { result, bundle: await bundleOfRun(request.run_id) };
  }

  it('a two-person release verifies: the bundled policy version, the request and the approvals agree', async () => {
    const request = newTag('bundle');
    const { result, bundle } = await bundleOf(request, await approvedBy(request, 'alice-key', 'bob-key'));
    expect(result.status).toBe('succeeded');
    const [digest] = Object.keys(bundle.policies);
    expect(digest).toBe(bundle.entries[0]?.record.policy_digest);
    expect(await verifyBundle(bundle)).toEqual({ ok: true, records: 1 });

    // A policy edited inside the bundle no longer hashes to the digest the record names.
    const edited = structuredClone(bundle);
    const policy = edited.policies[digest as string] as { rules: { requires: { count: number } }[] };
    (policy.rules[0] as { requires: { count: number } }).requires.count = 1;
    const tampered = await verifyBundle(edited);
    expect(tampered.ok).toBe(false);
    expect(!tampered.ok && tampered.message).toContain(
      `the bundled policy ${digest} does not hash to its digest`,
    );

    // A bundle without the version cannot re-check the decision, and says so.
    const stripped = { ...structuredClone(bundle), policies: {} };
    expect(await verifyBundle(stripped)).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not carry the policy'),
    });
  });

  it("a record's approvals that do not follow from its policy fail the re-check, naming the record", async () => {
    const request = newTag('bundle-forged');
    const { bundle } = await bundleOf(request, await approvedBy(request, 'alice-key', 'bob-key'));
    const [entry] = bundle.entries;
    if (!entry) throw new Error('no record');
    // As a compromised writer would: bob's approval claimed by carol, whose key did not sign.
    const record = structuredClone(entry.record);
    (record.approvals?.[1] as { approver: string }).approver = 'carol';
    expect(decisionProblem(entry.index, record, { versions: bundle, histories: bundle.histories })).toBe(
      `record ${entry.index} counts the approval by key "bob-key" as carol's, which does not follow from its policy ${record.policy_digest} at ${record.recorded_at}`,
    );
    // One approval where the rule needs two: "succeeded" does not follow.
    const alone = { ...structuredClone(entry.record), approvals: entry.record.approvals?.slice(0, 1) };
    expect(decisionProblem(entry.index, alone, { versions: bundle, histories: bundle.histories })).toMatch(
      new RegExp(
        `^record ${entry.index} says its approvals satisfied the policy sha256:\\w+ at \\S+, but they do not$`,
      ),
    );
    // Inside the bundle the same edit breaks the record's leaf hash first.
    const edited = structuredClone(bundle);
    (edited.entries[0] as typeof entry).record = alone;
    expect(await verifyBundle(edited)).toMatchObject({ ok: false });
  });
});
