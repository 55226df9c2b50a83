import { describe, expect, it } from 'vitest';
import type { FailureCode } from '../../src/codes.js';
import type { PreparedRun } from '../../src/runs/prepared.js';
import { notShippedReason } from '../../src/runs/reasons.js';
import { authorizationRefusal, malformedRefusal, receiptRefusal } from '../../src/runs/refusals.js';
import {
  closeRun,
  openRun,
  type Run,
  readySteps,
  startReady,
  stopDependants,
} from '../../src/runs/run-state.js';
import { runLine, timelineTable } from '../../src/runs/timeline-view.js';
import { type AuditAnchor, type ExecutionResult, MAX_ID_LENGTH } from '../../src/shared.js';

/** A run of steps a → b → c, and d on its own; requests are not needed by the decisions. */
function run(mode: 'prod' | 'dry-run' = 'prod'): Run {
  const step = (id: string, needs: string[] = []) => ({
    id,
    needs,
    request: {} as PreparedRun['steps'][number]['request'],
    opDigest: `digest-${id}`,
    operation: 'tag_repo',
    repository: 'omega/marketops',
    summary: `tag ${id}`,
    writes: [],
  });
  return openRun(
    {
      runId: 'r',
      mode,
      planDigest: 'p',
      deadlineSeconds: 60,
      steps: [step('a'), step('b', ['a']), step('c', ['b']), step('d')],
    },
    0,
  );
}

const step = (r: Run, id: string) =>
  r.timeline.steps.find((s) => s.id === id) as Run['timeline']['steps'][number];
const codes = (r: Run) => Object.fromEntries(r.timeline.steps.map((s) => [s.id, s.reason?.code ?? s.status]));
const audit = {} as AuditAnchor;

describe('the decisions of a run', () => {
  it('starts an authorized step only once every step it needs has shipped', () => {
    const r = run();
    step(r, 'b').status = 'authorized';
    step(r, 'd').status = 'authorized';
    expect(readySteps(r).map((s) => s.id)).toEqual(['d']);
    step(r, 'a').status = 'shipped';
    expect(readySteps(r).map((s) => s.id)).toEqual(['b', 'd']);
  });

  it('ends every step downstream of one that did not ship, each naming the step it needs', () => {
    const r = run();
    step(r, 'a').status = 'not_shipped';
    stopDependants(r);
    expect(codes(r)).toMatchObject({
      b: 'NEEDED_STEP_NOT_SHIPPED',
      c: 'NEEDED_STEP_NOT_SHIPPED',
      d: 'waiting_authorization',
    });
    expect(step(r, 'c').reason?.message).toBe('Step "b", which it needs, did not ship.');
  });

  it('in dry-run mode lets a step blocked by the mode stand for one that would ship', () => {
    const r = run('dry-run');
    step(r, 'a').status = 'not_shipped';
    step(r, 'a').reason = { code: 'BLOCKED_BY_MODE', message: '', detail: [] };
    step(r, 'b').status = 'authorized';
    stopDependants(r);
    expect(readySteps(r).map((s) => s.id)).toEqual(['b']);
  });

  it('starts every ready step, and in dry-run mode blocks each instead, readying its dependants', () => {
    const prod = run();
    for (const id of ['a', 'b', 'd']) step(prod, id).status = 'authorized';
    expect(startReady(prod).map((s) => s.id)).toEqual(['a', 'd']);
    expect(codes(prod)).toMatchObject({ a: 'running', b: 'authorized', d: 'running' });

    const dry = run('dry-run');
    for (const id of ['a', 'b', 'c']) step(dry, id).status = 'authorized';
    expect(startReady(dry)).toEqual([]);
    expect(codes(dry)).toMatchObject({ a: 'BLOCKED_BY_MODE', b: 'BLOCKED_BY_MODE', c: 'BLOCKED_BY_MODE' });
  });

  it('at the deadline: never authorized, else stopped by a need, else the deadline', () => {
    const r = run();
    step(r, 'a').status = 'running';
    step(r, 'b').status = 'authorized';
    closeRun(r, 'deadline');
    expect(codes(r)).toEqual({
      a: 'running',
      b: 'DEADLINE_REACHED',
      c: 'NEVER_AUTHORIZED',
      d: 'NEVER_AUTHORIZED',
    });
    expect(step(r, 'b').reason).toMatchObject({
      message: 'The run\'s deadline passed while the step waited for step "a", which was still running.',
      waitingFor: { step: 'a', code: 'RUNNING' },
    });
    expect(authorizationRefusal(r, { step: 'd', receipt: 'x' })?.status).toBe('refused');
  });

  it('on cancel, an authorized step names the step it waited for and why that one had not run', () => {
    const r = run();
    r.refused.set('a', ['RECEIPT_UNVERIFIED']);
    step(r, 'b').status = 'authorized';
    step(r, 'c').status = 'authorized';
    closeRun(r, 'cancelled');
    expect(codes(r)).toEqual({ a: 'CANCELLED', b: 'CANCELLED', c: 'CANCELLED', d: 'CANCELLED' });
    expect(step(r, 'b').reason).toMatchObject({
      message:
        'The run was cancelled while the step waited for step "a", which was never authorized: its receipt was refused (RECEIPT_UNVERIFIED).',
      waitingFor: { step: 'a', code: 'RECEIPT_REFUSED' },
    });
    expect(step(r, 'c').reason?.waitingFor).toEqual({ step: 'b', code: 'WAITING_FOR_NEEDS' });
    expect(step(r, 'd').reason).toMatchObject({ message: 'The run was cancelled before the step started.' });
    expect(step(r, 'd').reason?.waitingFor).toBeUndefined();
    expect(runLine(r.timeline)).toBe(
      'Run r · prod · 0 of 4 steps shipped · not shipped: a CANCELLED, b CANCELLED, c CANCELLED, d CANCELLED',
    );
  });

  it('refuses authorizations with the first reason that applies', () => {
    const r = run();
    const refusal = (input: unknown) => {
      const answer = authorizationRefusal(r, input);
      return answer?.status === 'refused' ? answer.reasons[0]?.code : undefined;
    };
    expect(refusal(null)).toBe('MALFORMED');
    // The shape alone, as the validator checks it before the run knows its plan.
    expect(malformedRefusal({ step: 7, receipt: 'x' })?.status).toBe('refused');
    expect(malformedRefusal({ step: 'zz', receipt: 'x' })).toBeUndefined();
    expect(refusal({ step: 'zz', receipt: 'x' })).toBe('UNKNOWN_STEP');
    // A step id no plan can have is cut in the answer, so no refusal echoes what it was sent.
    const long = authorizationRefusal(r, { step: 'x'.repeat(100_000), receipt: 'x' });
    expect(long?.step).toHaveLength(MAX_ID_LENGTH);
    expect(JSON.stringify(long).length).toBeLessThan(500);
    expect(refusal({ step: 'a', receipt: 'x' })).toBeUndefined();
    step(r, 'a').status = 'authorized';
    step(r, 'a').receiptId = 'j1';
    expect(refusal({ step: 'a', receipt: 'x' })).toBe('ALREADY_AUTHORIZED');

    const check = {
      ok: true as const,
      receiptId: 'j2',
      runId: 'r',
      operationKind: 'tag_repo',
      opDigest: 'digest-d',
    };
    const receipt = (overrides: Partial<typeof check>) => {
      const answer = receiptRefusal(r, step(r, 'd'), { ...check, ...overrides });
      return answer?.status === 'refused' ? answer.reasons[0]?.code : undefined;
    };
    expect(receipt({})).toBeUndefined();
    expect(receipt({ receiptId: 'j1' })).toBe('RECEIPT_IN_USE');
    expect(receipt({ runId: 'other' })).toBe('RUN_ID_MISMATCH');
    expect(receipt({ operationKind: 'open_pr' })).toBe('OPERATION_KIND_MISMATCH');
    expect(receipt({ opDigest: 'digest-a' })).toBe('PARAMS_MISMATCH');
  });

  it('gives each execution result exactly one primary reason', () => {
    const failed = (code: FailureCode): ExecutionResult => ({ status: 'failed', code, message: 'm', audit });
    expect(
      notShippedReason({ status: 'succeeded', github: { url: 'u', id: '1', adopted: false }, audit }),
    ).toBeUndefined();
    expect(notShippedReason(failed('CONFLICT'))?.code).toBe('GITHUB_REFUSED');
    expect(notShippedReason(failed('GITHUB_VALIDATION_FAILED'))?.code).toBe('GITHUB_REFUSED');
    expect(notShippedReason(failed('EXPIRED_DURING_EXECUTION'))?.code).toBe('EXPIRED_DURING_EXECUTION');
    expect(notShippedReason(failed('CANCELLED'))?.code).toBe('CANCELLED');
    expect(notShippedReason(failed('INTERNAL_ERROR'))?.code).toBe('EXECUTION_FAILED');
    const rejected = notShippedReason({
      status: 'rejected',
      reasons: [{ code: 'EXPIRED', message: 'late' }],
      audit,
    });
    expect(rejected).toEqual({
      code: 'RECEIPT_REJECTED',
      message: 'The receipt was rejected (EXPIRED).',
      detail: [{ code: 'EXPIRED', message: 'late' }],
    });
  });

  it('shows the timeline as a Markdown table whose cells cannot break it', () => {
    const r = run();
    step(r, 'a').status = 'not_shipped';
    step(r, 'a').reason = { code: 'GITHUB_REFUSED', message: 'a | b\nc', detail: [] };
    const table = timelineTable(r.timeline);
    expect(table.split('\n')[0]).toBe('**Run r** · mode prod · open · 0 shipped, 1 not shipped, 3 pending');
    expect(table).toContain(
      '| a | tag_repo | omega/marketops | not_shipped | GITHUB_REFUSED: a \\| b c |  |',
    );
  });
});
