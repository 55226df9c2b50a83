import { readdir, readFile } from 'node:fs/promises';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { executorBundle } from '../../support/executor-harness.js';

/**
 * Histories recorded from real runs (test/workflows/replay/record-histories.ts) must replay
 * against today's workflow code: a change that would strand open executions after a
 * deploy (a non-determinism error) fails here, before it ships.
 */
// One folder per recording: older ones stay while executions they describe may be open.
const dir = new URL('histories/', import.meta.url);
const names = (await readdir(dir, { recursive: true })).filter((name) => name.endsWith('.json'));

describe('replaying recorded histories against the current workflow code', () => {
  it('has recorded histories to replay', () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of names) {
    it(`replays ${name} without non-determinism`, async () => {
      // protobufjs's own JSON form (see record-histories.ts), read back by the same protobufjs.
      const json = JSON.parse(await readFile(new URL(name, dir), 'utf8'));
      const history = proto.temporal.api.history.v1.History.fromObject(json);
      expect(history.events?.length).toBeGreaterThan(5);
      await Worker.runReplayHistory({ workflowBundle: await executorBundle() }, history, name);
    });
  }
});
