import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../src/operations/registry.js';
import { parseOperationRequest, verifyReceipt } from '../../src/receipts/index.js';
import { codesOf } from '../support/results.js';
import {
  b64,
  claimsFor,
  type Issuer,
  issueAtT0,
  makeIssuer,
  prodOptions,
  publishRelease,
  requests,
  signRaw,
  tagRepo,
} from './fixtures.js';

let issuer: Issuer;
beforeAll(async () => {
  issuer = await makeIssuer('fc-2025');
});

const verify = (token: unknown, request: unknown) => verifyReceipt(token, request, prodOptions(issuer.ring));

/** Characters that can appear in a compact JWS, plus a few that cannot. */
const tokenChar = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
  '.',
  '=',
  '+',
  '/',
  ' ',
);

const word = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,15}$/);
const text = fc.string({ maxLength: 40 });
/** A valid replacement value for each field of each kind (operation_kind is the union's tag, not a parameter). */
const fieldChanges: Record<string, fc.Arbitrary<unknown>> = {
  run_id: word,
  repository: fc.tuple(word, word).map(([owner, name]) => `${owner}/${name}`),
  tag_name: word,
  tag: word,
  target_commitish: word,
  head: word,
  base: word,
  name: text,
  title: text.filter((value) => value.length > 0),
  body: fc.string({ maxLength: 40, unit: 'grapheme' }),
  message: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
  sha: fc.stringMatching(/^[0-9a-f]{40}$/),
  draft: fc.boolean(),
  prerelease: fc.boolean(),
};

const changedRequest: fc.Arbitrary<{ original: OperationRequest; changed: Record<string, unknown> }> = fc
  .constantFrom(...requests)
  .chain((original) => {
    const fields = [...Object.keys(original), ...('message' in original ? [] : ['message'])].filter(
      (field) =>
        field !== 'operation_kind' && (field !== 'message' || original.operation_kind === 'tag_repo'),
    );
    return fc.constantFrom(...fields).chain((field) =>
      (fieldChanges[field] as fc.Arbitrary<unknown>).map((value) => {
        const changed: Record<string, unknown> = { ...original, [field]: value };
        if (value === undefined) delete changed[field];
        return { original, changed };
      }),
    );
  })
  .filter(({ original, changed }) => JSON.stringify(changed) !== JSON.stringify(original))
  .filter(({ changed }) => parseOperationRequest(changed).ok);

describe('properties', () => {
  it('any one-character change to a valid token is rejected', async () => {
    const token = await issueAtT0(issuer, publishRelease);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), tokenChar, async (index, replacement) => {
        fc.pre(token[index] !== replacement);
        const altered = token.slice(0, index) + replacement + token.slice(index + 1);
        const verdict = await verify(altered, publishRelease);
        expect(verdict.accepted).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('any change to any field of the request gives PARAMS_MISMATCH', async () => {
    const tokens = new Map<string, string>();
    for (const request of requests) tokens.set(request.operation_kind, await issueAtT0(issuer, request));
    await fc.assert(
      fc.asyncProperty(changedRequest, async ({ original, changed }) => {
        const verdict = await verify(tokens.get(original.operation_kind), changed);
        expect(verdict.accepted).toBe(false);
        expect(codesOf(verdict)).toContain('PARAMS_MISMATCH');
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary strings and JSON never throw and are always rejected, as token or request', async () => {
    const genuine = await issueAtT0(issuer, tagRepo);
    const anything = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.jsonValue(), fc.anything());
    await fc.assert(
      fc.asyncProperty(anything, anything, async (token, request) => {
        expect((await verify(token, request)).accepted).toBe(false);
        expect((await verify(token, tagRepo)).accepted).toBe(false);
        expect((await verify(genuine, request)).accepted).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('well-formed JWS shapes around arbitrary JSON never throw and are always rejected', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), fc.uint8Array({ maxLength: 80 }), async (h, p, s) => {
        const token = `${b64(h)}.${b64(p)}.${Buffer.from(s).toString('base64url')}`;
        expect((await verify(token, tagRepo)).accepted).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('a receipt signed by a key that is not in the ring is rejected, whatever kid it claims', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('fc-2025', 'other-kid'), async (kid) => {
        const outsider = await makeIssuer(kid);
        const verdict = await verify(await signRaw(outsider, claimsFor(tagRepo)), tagRepo);
        expect(codesOf(verdict)).toEqual([kid === 'fc-2025' ? 'BAD_SIGNATURE' : 'UNKNOWN_KEY']);
      }),
      { numRuns: 40 },
    );
  });
});
