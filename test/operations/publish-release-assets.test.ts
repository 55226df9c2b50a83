import { describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import { assetNameRefusal } from '../../src/operations/publish-release/assets.js';
import { opDigest, parseOperationRequest } from '../../src/receipts/index.js';
import { normalizedAssetName } from '../../src/sandbox/asset-names.js';

const SHA = 'a'.repeat(64);
const asset = (name: string, change: Record<string, unknown> = {}) => ({
  name,
  size: 10,
  sha256: SHA,
  content_type: 'application/gzip',
  ...change,
});
const parse = (change: Record<string, unknown>) =>
  parseOperationRequest({ ...releaseRequest('run-1', 'v1.0.0'), ...change });
const refusal = (change: Record<string, unknown>) => {
  const parsed = parse(change);
  return parsed.ok ? undefined : parsed.message;
};

describe("publish_release's assets", () => {
  it("refuse exactly the names the sandbox's rename rule (GitHub's) would change", () => {
    const names = [
      'app.tar.gz',
      'app_1.2-linux.tar.gz',
      'SHA256SUMS',
      'my app.zip',
      'a..b',
      'trailing.',
      '.env',
      '',
      'ü.bin',
      'a/b',
      '-x',
      '_',
      'v1.0.0+build',
      '..',
    ];
    for (const name of names) {
      expect(assetNameRefusal(name) === undefined, name).toBe(normalizedAssetName(name) === name);
    }
  });

  it('refuse a renamed name, a repeated name, a size of 2 GiB, a bad digest or content type, each naming the asset or field', () => {
    expect(refusal({ assets: [asset('my app.zip')] })).toContain('"my app.zip" would be renamed by GitHub');
    expect(refusal({ assets: [asset('a.bin'), asset('a.bin')] })).toContain('"a.bin" is listed twice');
    expect(refusal({ assets: [asset('a.bin', { size: 2 * 1024 ** 3 })] })).toContain('under 2 GiB');
    expect(refusal({ assets: [asset('a.bin', { sha256: SHA.toUpperCase() })] })).toContain(
      '64 lower-case hex',
    );
    expect(refusal({ assets: [asset('a.bin', { content_type: 'gzip' })] })).toContain('MIME type');
    expect(refusal({ make_latest: true })).toContain('"true", "false" or "legacy"');
  });

  it('allow at most 1000 assets', () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => asset(`f${index}`));
    expect(parse({ assets: many(1000) }).ok).toBe(true);
    expect(refusal({ assets: many(1001) })).toContain('at most 1000 assets');
  });

  it('are part of op_digest, and a request without them keeps its digest', () => {
    const plain = releaseRequest('run-1', 'v1.0.0');
    const withAssets = { ...plain, assets: [asset('a.bin')], make_latest: 'legacy' as const };
    expect(parse(withAssets)).toMatchObject({ ok: true, request: withAssets });
    expect(opDigest(withAssets)).not.toBe(opDigest(plain));
    expect(opDigest({ ...withAssets, make_latest: 'true' })).not.toBe(opDigest(withAssets));
    expect(opDigest({ ...withAssets, assets: [asset('a.bin', { size: 11 })] })).not.toBe(
      opDigest(withAssets),
    );
  });
});
