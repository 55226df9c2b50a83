import { describe, expect, it } from 'vitest';
import { MAX_BODY_LENGTH, MAX_TITLE_LENGTH } from '../../src/operations/operation.js';
import { canonicalRequest, opDigest, parseOperationRequest } from '../../src/receipts/index.js';
import { openPr, publishRelease, requests, tagRepo } from './fixtures.js';

const rejectionOf = (input: unknown): string => {
  const result = parseOperationRequest(input);
  if (result.ok) throw new Error(`expected a rejection for ${JSON.stringify(input)}`);
  return result.message;
};

describe('parseOperationRequest', () => {
  it.each(requests.map((request) => [request.operation_kind, request] as const))(
    'accepts a valid %s',
    (_, request) => {
      expect(parseOperationRequest(request)).toEqual({ ok: true, request });
    },
  );

  it('accepts a lightweight tag (no message) and a pull request from a fork', () => {
    const { message: _message, ...lightweight } = tagRepo;
    expect(parseOperationRequest(lightweight).ok).toBe(true);
    expect(parseOperationRequest({ ...openPr, head: 'octocat:feature/x' }).ok).toBe(true);
  });

  it.each([
    ['null', null, 'must be a JSON object'],
    ['[publishRelease]', [publishRelease], 'must be a JSON object'],
    [
      'operation_kind=delete_repo',
      { ...publishRelease, operation_kind: 'delete_repo' },
      'Field "operation_kind"',
    ],
    ['unknown field', { ...publishRelease, extra: 1 }, 'Remove the unknown field "extra"'],
    ['field of another kind', { ...tagRepo, tag_name: 'v1' }, 'Remove the unknown field "tag_name"'],
    [
      'draft=undefined',
      { ...publishRelease, draft: undefined },
      'Field "draft" of the operation request is required.',
    ],
    [
      'prerelease as a string',
      { ...publishRelease, prerelease: 'false' },
      'Field "prerelease" of the operation request must be true or false.',
    ],
    ['repository=acme', { ...publishRelease, repository: 'acme' }, 'Field "repository"'],
    ['repository=acme/wid gets', { ...publishRelease, repository: 'acme/wid gets' }, 'Field "repository"'],
    ['repository=acme/../x', { ...publishRelease, repository: 'acme/../x' }, 'Field "repository"'],
    ['repository=acme/..', { ...publishRelease, repository: 'acme/..' }, 'Field "repository"'],
    ['repository=ac/me/x', { ...publishRelease, repository: 'ac/me/x' }, 'Field "repository"'],
    ['repository=acmé/widgets', { ...publishRelease, repository: 'acmé/widgets' }, 'Field "repository"'],
    [
      'name=Widgets\\u0007',
      { ...publishRelease, name: 'Widgets\u0007' },
      'Field "name" of the operation request must not contain control',
    ],
    ['name=two\\nlines', { ...publishRelease, name: 'two\nlines' }, 'Field "name"'],
    ['body=bell\\u0007', { ...publishRelease, body: 'bell\u0007' }, 'Field "body"'],
    ['body=nul\\u0000', { ...publishRelease, body: 'nul\u0000' }, 'Field "body"'],
    ['body=c1\\u0085', { ...publishRelease, body: 'c1\u0085' }, 'Field "body"'],
    [
      'body=lone \\ud800 surrogate',
      { ...publishRelease, body: 'lone \ud800 surrogate' },
      'Field "body" of the operation request must be valid Unicode',
    ],
    [
      'body over the limit',
      { ...publishRelease, body: 'x'.repeat(MAX_BODY_LENGTH + 1) },
      `at most ${MAX_BODY_LENGTH} characters`,
    ],
    ['title over the limit', { ...openPr, title: 't'.repeat(MAX_TITLE_LENGTH + 1) }, 'Field "title"'],
    ['empty title', { ...openPr, title: '' }, 'Field "title" of the operation request must not be empty.'],
    ['tag_name of 256 characters', { ...publishRelease, tag_name: 'v'.repeat(256) }, 'Field "tag_name"'],
    ['tag_name=-delete', { ...publishRelease, tag_name: '-delete' }, 'Field "tag_name"'],
    ['tag_name=v1..2', { ...publishRelease, tag_name: 'v1..2' }, 'Field "tag_name"'],
    ['tag_name=v1.lock', { ...publishRelease, tag_name: 'v1.lock' }, 'Field "tag_name"'],
    [
      'target_commitish=main branch',
      { ...publishRelease, target_commitish: 'main branch' },
      'Field "target_commitish"',
    ],
    ['sha in upper case', { ...tagRepo, sha: '0123456789ABCDEF0123456789ABCDEF01234567' }, 'Field "sha"'],
    ['sha=0123456', { ...tagRepo, sha: '0123456' }, 'Field "sha"'],
    ['empty tag message', { ...tagRepo, message: '' }, 'Field "message"'],
    ['run_id=run 1', { ...tagRepo, run_id: 'run 1' }, 'Field "run_id"'],
    ['head=bad owner:branch', { ...openPr, head: 'bad owner:branch' }, 'Field "head"'],
  ])('rejects %s with a sentence naming the field', (_label, input, expected) => {
    const message = rejectionOf(input);
    expect(message).toContain(expected);
    expect(message).toMatch(/^[A-Z].*\.$/);
  });

  it('accepts the limits exactly', () => {
    const atLimit = {
      ...publishRelease,
      body: 'x'.repeat(MAX_BODY_LENGTH),
      name: 'n'.repeat(MAX_TITLE_LENGTH),
    };
    expect(parseOperationRequest({ ...atLimit, tag_name: 'v'.repeat(255) }).ok).toBe(true);
  });

  it('counts lengths in UTF-16 code units, so an emoji counts as two', () => {
    const emoji = '😀'; // U+1F600: one code point, two UTF-16 code units
    const title = (units: number) => emoji.repeat(Math.floor(units / 2)) + 't'.repeat(units % 2);
    expect(title(MAX_TITLE_LENGTH)).toHaveLength(MAX_TITLE_LENGTH);
    expect(parseOperationRequest({ ...openPr, title: title(MAX_TITLE_LENGTH) }).ok).toBe(true);
    // 257 units but only 129 code points: a code-point count would wrongly accept it.
    expect(rejectionOf({ ...openPr, title: title(MAX_TITLE_LENGTH + 1) })).toBe(
      `Field "title" of the operation request must be at most ${MAX_TITLE_LENGTH} characters (UTF-16 code units).`,
    );
    const body = (units: number) => emoji.repeat(units / 2);
    expect(parseOperationRequest({ ...publishRelease, body: body(MAX_BODY_LENGTH) }).ok).toBe(true);
    expect(rejectionOf({ ...publishRelease, body: `${body(MAX_BODY_LENGTH)}x` })).toContain('Field "body"');
  });
});

describe('opDigest', () => {
  it('hashes the RFC 8785 canonical JSON: sorted keys, no whitespace', () => {
    const request = {
      run_id: 'r1',
      operation_kind: 'tag_repo',
      tag: 'v1',
      sha: 'a'.repeat(40),
      repository: 'a/b',
    } as const;
    expect(canonicalRequest(request)).toBe(
      `{"operation_kind":"tag_repo","repository":"a/b","run_id":"r1","sha":"${'a'.repeat(40)}","tag":"v1"}`,
    );
    // Recomputable with: printf '%s' "$canonical" | openssl dgst -sha256 -binary | basenc --base64url
    expect(opDigest(request)).toBe('H_XxeBClgo7tFoF7cvZww8FfF_fVEvHhakIeh2eblpw');
  });

  it('escapes per RFC 8785 and is independent of key order', () => {
    const body = 'é "quoted" \\ tab\t line\n emoji 😀 \u2028';
    const request = { ...publishRelease, body };
    expect(canonicalRequest(request)).toContain(JSON.stringify(body));
    expect(opDigest(Object.fromEntries(Object.entries(request).reverse()) as typeof request)).toBe(
      opDigest(request),
    );
  });
});
