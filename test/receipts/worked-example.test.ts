import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PublishReleaseRequest } from '../../src/operations/publish-release/request.js';
import {
  canonicalRequest,
  issueReceipt,
  loadKeyRing,
  opDigest,
  verifyReceipt,
} from '../../src/receipts/index.js';
import { codesOf } from '../support/results.js';
import { rfc8037Key as privateJwk, workedExampleRequest as request } from './fixtures.js';

/** Section 2.1's release with assets. */
const withAssets: PublishReleaseRequest = {
  ...request,
  body: 'Faster widgets.',
  make_latest: 'true',
  assets: [
    {
      name: 'widgets-linux-amd64.tar.gz',
      size: 1048576,
      sha256: 'a3f1c9e2b4d6f8a0c2e4f6a8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4f6a8',
      content_type: 'application/gzip',
    },
    {
      name: 'SHA256SUMS',
      size: 93,
      sha256: '5d41402abc4b2a76b9719d911017c592ae2f1b6d3c7e8f9a0b1c2d3e4f5a6b7c',
      content_type: 'text/plain',
      label: 'Checksums',
    },
  ],
};

/** The document shows the request's canonical form, of `bytes` bytes, and its op_digest; answers the document. */
async function expectDocumented(shown: PublishReleaseRequest, bytes: number): Promise<string> {
  const doc = await readFile(resolve(import.meta.dirname, '../../docs/receipt-format.md'), 'utf8');
  const canonical = canonicalRequest(shown);
  expect(Buffer.byteLength(canonical)).toBe(bytes);
  expect(doc).toContain(`\n${canonical}\n`);
  expect(doc).toContain(`op_digest: \`${opDigest(shown)}\``);
  return doc;
}

describe('the worked example in docs/receipt-format.md', () => {
  it('of a release with assets is what the code produces, the request shown included', async () => {
    const doc = await expectDocumented(withAssets, 570);
    expect(doc).toContain(`\n${JSON.stringify(withAssets, null, 2)}\n`);
  });

  it('is what the code produces, byte for byte, and verifies in its stated window', async () => {
    const doc = await expectDocumented(request, 236);

    const token = await issueReceipt(privateJwk, request, {
      ttlSeconds: 3600,
      audience: 'marketops-executor',
      now: new Date('2025-06-01T12:00:00Z'),
      receiptId: '0b7f6c1e-2d4a-4c59-9a51-3c8e2f0d7a64',
    });
    expect(doc).toContain(`\n${token}\n`);

    const { d: _secret, ...publicJwk } = privateJwk;
    const keys = loadKeyRing({ keys: [publicJwk] });
    const at = async (iso: string) =>
      codesOf(
        await verifyReceipt(token, request, {
          keys,
          now: new Date(iso),
          mode: 'prod',
          audience: 'marketops-executor',
        }),
      );
    expect(await at('2025-06-01T11:58:59Z')).toEqual(['NOT_YET_VALID']);
    expect(await at('2025-06-01T11:59:00Z')).toEqual([]);
    expect(await at('2025-06-01T13:00:59.999Z')).toEqual([]);
    expect(await at('2025-06-01T13:01:00Z')).toEqual(['EXPIRED']);
  });
});
