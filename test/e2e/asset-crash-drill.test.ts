import { describe, expect, it } from 'vitest';
import { runCrashDrill } from '../support/crash-drill.js';

/** CI-sized; `npm run bench:faults` runs the full one (more releases, assets and kills). */
describe('asset crash drill: the worker SIGKILLed mid-upload and restarted while releases with assets ship', () => {
  it('publishes every release once, each with exactly its assets, whose bytes hash to what was authorized', async () => {
    const report = await runCrashDrill({
      ops: 2,
      kills: 2,
      restartServerAfterKill: 0,
      maxKillDelayMs: 20_000,
      releasesWithAssets: { assets: 3, bytes: 8 * 1024 ** 2 },
    });
    const { verdict } = report;
    expect(report.kills).toBe(2);
    expect(report.killsMidUpload).toBe(2);
    expect(report.workerStarts).toBeGreaterThanOrEqual(3);
    expect(verdict.outcomes).toEqual({ succeeded: 2 });
    expect(verdict.succeededWithoutOneEffect).toBe(0);
    expect(verdict.audit).toEqual({ verified: true, size: 2 });
    expect(verdict.withoutOneRecord).toBe(0);
    expect(report.assets).toEqual({
      releases: 2,
      published: 2,
      duplicateAssets: 0,
      duplicateReleases: 0,
      publishedWithMissingOrWrongAsset: 0,
      downloadsNotMatching: 0,
      downloadedBytes: 2 * 3 * 8 * 1024 ** 2,
    });
  }, 170_000);
});
