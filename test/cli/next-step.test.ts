import { describe, expect, it } from 'vitest';
import { describeNextStep, nextStep, situationOf } from '../../src/client/next-step.js';
import type { Code } from '../../src/codes.js';
import type { AuditAnchor } from '../../src/shared.js';

const audit = {} as AuditAnchor;

describe('next step after an outcome', () => {
  it('a failure after consumption uses the receipt up: fix, then a new receipt', () => {
    expect(nextStep({ outcome: 'failed', code: 'CONFLICT' })).toEqual({
      receipt: 'used up',
      action:
        'Make the existing object on GitHub match the request, or remove it, then ask Federation Core for a new receipt.',
    });
    expect(nextStep({ outcome: 'failed', code: 'CANCELLED' })).toEqual({
      receipt: 'used up',
      action: 'Ask Federation Core for a new receipt.',
    });
  });

  it('ALREADY_CONSUMED is used up, whatever else was wrong', () => {
    const step = nextStep({ outcome: 'rejected', codes: ['PARAMS_MISMATCH', 'ALREADY_CONSUMED'] });
    expect(step?.receipt).toBe('used up');
    expect(step?.action).toContain('ask Federation Core for a new receipt');
  });

  it.each<[Code[], string]>([
    [['INVALID_REQUEST'], 'Fix the request'],
    [['PARAMS_MISMATCH'], 'Fix the request'],
    [['EXPIRED', 'PARAMS_MISMATCH'], 'ask Federation Core for a new receipt'],
    [['UNKNOWN_KEY'], 'signed by a key in its key ring'],
    [['MODE_NOT_PROD'], 'MARKETOPS_MODE=prod'],
    [['WORKFLOW_ID_MISMATCH'], 'receipt-<receipt id>'],
    // A code no group names (a run's refusal): the reasons say what to fix.
    [['RECEIPT_IN_USE'], 'Fix what the reasons name'],
  ])('a refusal %j leaves the receipt unused: %s', (codes, action) => {
    const step = nextStep({ outcome: 'rejected', codes });
    expect(step?.receipt).toBe('unused');
    expect(step?.action).toContain(action);
  });

  it('waiting: the receipt is reserved; start a worker, or follow the workflow', () => {
    expect(describeNextStep(nextStep({ outcome: 'waiting_for_worker' }) ?? fail())).toBe(
      'receipt reserved. Next: Start a worker for marketops-executor (npm start, or marketops worker); the execution runs as soon as one polls.',
    );
    expect(nextStep({ outcome: 'timed_out', workflowId: 'receipt-1' })?.action).toContain(
      'marketops execution show receipt-1',
    );
  });

  it('a timeout before anything was sent: the receipt is unused; submit again with a longer --timeout', () => {
    expect(describeNextStep(nextStep({ outcome: 'timed_out' }) ?? fail())).toBe(
      'receipt unused. Next: Submit again with a longer --timeout.',
    );
  });

  it('a refused receipt whose record waits: the refusal’s own receipt state, never reserved', () => {
    const waiting = nextStep({ outcome: 'waiting_for_worker', refusedWith: ['PARAMS_MISMATCH'] });
    expect(waiting?.receipt).toBe('unused');
    expect(waiting?.action).toContain(
      'the refusal is recorded, and its reasons printed, as soon as one polls',
    );
    expect(nextStep({ outcome: 'waiting_for_worker', refusedWith: ['ALREADY_CONSUMED'] })?.receipt).toBe(
      'used up',
    );
    const timedOut = { outcome: 'timed_out', workflowId: 'rejected-x', refusedWith: ['EXPIRED'] } as const;
    expect(nextStep(timedOut)).toEqual(nextStep({ outcome: 'rejected', codes: ['EXPIRED'] }));
  });

  it('nothing to do after success or a dry run; results map to situations', () => {
    const succeeded = { status: 'succeeded', github: { url: 'u', id: '1', adopted: false }, audit } as const;
    expect(nextStep(situationOf(succeeded))).toBeUndefined();
    expect(nextStep(situationOf({ status: 'blocked_by_mode', plan: [], audit }))).toBeUndefined();
    expect(situationOf({ status: 'failed', code: 'CONFLICT', message: 'm', audit })).toEqual({
      outcome: 'failed',
      code: 'CONFLICT',
    });
  });
});

function fail(): never {
  throw new Error('expected a next step');
}
