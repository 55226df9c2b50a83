import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isBugClass, nonRetryableBugs } from '../../src/activities/bug-class.js';

describe('which activity errors are retried', () => {
  it('bug-class errors can never succeed: ours and schema violations', () => {
    const zodError = z.string().safeParse(1).error;
    for (const error of [new TypeError('x'), new RangeError('x'), new SyntaxError('x'), zodError]) {
      expect(isBugClass(error)).toBe(true);
    }
  });

  it('transient errors (a database or network down) are left to the retry policy', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isBugClass(refused)).toBe(false);
    expect(isBugClass(ApplicationFailure.create({ message: 'x' }))).toBe(false);
  });

  it('a wrapped activity ends a bug for good, with the error named, and passes everything else through', async () => {
    const activities = nonRetryableBugs({
      destructure: async (input: { a: number } | null) => (input as { a: number }).a,
      unavailable: async () => {
        throw new Error('database unavailable');
      },
    });
    const failure = await activities.destructure(null).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'INTERNAL_ERROR', nonRetryable: true });
    expect((failure as Error).message).toMatch(/^TypeError: Cannot read properties of null/);
    expect(await activities.destructure({ a: 1 })).toBe(1);
    await expect(activities.unavailable()).rejects.toThrow('database unavailable');
  });
});
