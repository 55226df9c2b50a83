import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { checkedWrite, operationWrites } from '../../src/activities/github/write-views.js';
import { Code } from '../../src/codes.js';
import { releaseRequest } from '../../src/demo/requests.js';
import { linkOf, type UploadView } from '../../src/operations/publish-release/views.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { canonicalRequest } from '../../src/receipts/op-digest.js';

const asset = (index: number) => ({
  name: `part-${index}.txt`,
  size: 10 + index,
  sha256: String(index).repeat(64).slice(0, 64),
  content_type: 'text/plain',
});
const ASSETS = 300;
const release = {
  ...releaseRequest('run-views', 'v9.0.0'),
  assets: Array.from({ length: ASSETS }, (_, i) => asset(i)),
};

/** What write `write`'s activity is handed, as the workflow builds it from the validation's result. */
function inputOf(request: OperationRequest, write: number) {
  const { kind, opDigest, writes } = operationWrites(request);
  const each = writes[write];
  if (!each) throw new RangeError(`no write ${write}`);
  return { kind, opDigest, write, view: 'whole' in each ? request : each.view };
}

function refusal(run: () => unknown): ApplicationFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('the view was accepted');
}

describe("each write's view of the request", () => {
  it('a release with assets: the draft and the publication read the whole request, each upload only its asset', () => {
    const { writes } = operationWrites(release);
    expect(writes).toHaveLength(ASSETS + 2);
    expect(writes[0]).toEqual({ whole: true });
    expect(writes.at(-1)).toEqual({ whole: true });
    expect(writes[7]).toEqual({
      view: {
        repository: release.repository,
        tag_name: 'v9.0.0',
        asset_count: ASSETS,
        index: 6,
        asset: asset(6),
        next: linkOf((writes[8] as { view: UploadView }).view),
      },
      timeoutMs: expect.any(Number),
    });
    // Linear: the views together are about twice the request (the request once, each asset once more).
    const bytes = JSON.stringify(writes).length;
    expect(bytes).toBeLessThan(3 * canonicalRequest(release).length);
    for (const write of [0, 1, ASSETS, ASSETS + 1])
      expect(checkedWrite(inputOf(release, write)).step).toBeDefined();
  });

  it('refuses, nothing sent, a whole request that is not the authorized one', () => {
    const input = { ...inputOf(release, 0), view: { ...release, body: 'changed' } };
    const failure = refusal(() => checkedWrite(input));
    expect([failure.type, failure.nonRetryable]).toEqual([Code.INTERNAL_ERROR, true]);
    expect(failure.message).toMatch(/op_digest is not the authorized one/);
  });

  it("refuses an upload's view at another write's place, and a view its kind does not parse", () => {
    const moved = { ...inputOf(release, 3), write: 4 };
    expect(refusal(() => checkedWrite(moved)).message).toMatch(/asset 2 of 300 is not write 4/);
    const early = { ...inputOf(release, 0), write: 5 };
    expect(refusal(() => checkedWrite(early)).message).toMatch(/has no write 5/);
    const extra = inputOf(release, 2);
    const widened = { ...extra, view: { ...(extra.view as object), body: 'more' } };
    expect(refusal(() => checkedWrite(widened)).message).toMatch(/does not parse/);
  });

  it('a release without assets, or another kind, is one whole request per write', () => {
    const plain = releaseRequest('run-views', 'v9.0.1');
    expect(operationWrites(plain).writes).toEqual([{ whole: true }]);
    const tag = {
      operation_kind: 'tag_repo' as const,
      run_id: 'run-views',
      repository: plain.repository,
      tag: 'v9.0.1',
      sha: '0123456789abcdef0123456789abcdef01234567',
      message: 'annotated',
    };
    expect(operationWrites(tag).writes).toEqual([{ whole: true }, { whole: true }]);
  });
});
