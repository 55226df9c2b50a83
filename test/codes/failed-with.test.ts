import { expect, it } from 'vitest';
import { failedWith } from '../../src/codes.js';

it('keeps a failure code, and turns a type no code names into FAILED with the type in its message', () => {
  expect(failedWith('CONFLICT', 'differs')).toEqual({ code: 'CONFLICT', message: 'differs' });
  expect(failedWith('INTERNAL_ERROR', 'TypeError: x')).toEqual({
    code: 'INTERNAL_ERROR',
    message: 'TypeError: x',
  });
  expect(failedWith('SOMETHING_NEW', 'it broke')).toEqual({
    code: 'FAILED',
    message: 'SOMETHING_NEW: it broke',
  });
  expect(failedWith(undefined, 'it broke')).toEqual({ code: 'FAILED', message: 'it broke' });
  expect(failedWith('PLAN_INVALID', 'not a failure code')).toMatchObject({ code: 'FAILED' });
});
