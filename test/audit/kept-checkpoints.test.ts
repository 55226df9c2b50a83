import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { keptAnchorsIn } from '../../src/audit/history-anchors.js';
import { type Checkpoint, openAuditStore } from '../../src/audit/index.js';
import { parseKeptCheckpoints } from '../../src/audit/kept-checkpoints.js';
import { tempDir } from '../support/temp-dirs.js';
import { sampleRecord, testKeys } from './fixtures.js';

const { publicJwks, signer } = await testKeys();
const store = await openAuditStore(await tempDir('kept'), signer);
const appended = [];
for (let i = 0; i < 3; i++) appended.push(await store.append(`id-${i}`, sampleRecord(i)));
await store.close();
const [first, second, third] = appended.map(({ index, leafHash, checkpoint }) => ({
  index,
  leafHash,
  checkpoint,
}));
const cp = (anchor: typeof first): Checkpoint => (anchor as { checkpoint: Checkpoint }).checkpoint;

/** A close event in Temporal's JSON form, built with Temporal's own protobuf and payload converter. */
function closedHistory(kind: 'completed' | 'failed', result: unknown): unknown {
  const payloads = [defaultPayloadConverter.toPayload(result)];
  const event =
    kind === 'completed'
      ? { workflowExecutionCompletedEventAttributes: { result: { payloads } } }
      : {
          workflowExecutionFailedEventAttributes: {
            failure: {
              message: 'Receipt rejected',
              applicationFailureInfo: { type: 'RECEIPT_REJECTED', details: { payloads } },
            },
          },
        };
  return JSON.parse(JSON.stringify(proto.temporal.api.history.v1.History.create({ events: [event] })));
}

describe('kept checkpoints', () => {
  it('reads signed notes and one-line JSON results from one file, naming each by its line', () => {
    const text = `${cp(first).text}\n${JSON.stringify({ status: 'rejected', reasons: [], audit: second })}\n${cp(third).text}`;
    const anchors = parseKeptCheckpoints(text, 'kept.txt', publicJwks.keys);
    expect(anchors).toEqual([
      { source: 'kept.txt line 1', checkpoint: cp(first) },
      { source: 'kept.txt line 7', checkpoint: cp(second), record: { index: 1, leafHash: second?.leafHash } },
      { source: 'kept.txt line 8', checkpoint: cp(third) },
    ]);
  });

  it('reads a whole-file JSON value: an array of checkpoints, results or histories', () => {
    const text = JSON.stringify(
      [cp(first), closedHistory('completed', { status: 'succeeded', audit: third })],
      null,
      2,
    );
    expect(parseKeptCheckpoints(text, 'kept.json', publicJwks.keys).map((a) => a.checkpoint.size)).toEqual([
      3, 1,
    ]);
  });

  it('refuses an unreadable item, or a file without any checkpoint, naming the line', () => {
    expect(() => parseKeptCheckpoints(`${cp(first).text}\n{"oops"\n`, 'k.txt', publicJwks.keys)).toThrow(
      'k.txt line 7 is neither a signed note nor one line of JSON; fix or remove it.',
    );
    expect(() => parseKeptCheckpoints('hello\nworld\n', 'k.txt', publicJwks.keys)).toThrow(
      'k.txt line 1 is not a signed checkpoint note',
    );
    expect(() => parseKeptCheckpoints('{"status":"running"}', 'k.json', publicJwks.keys)).toThrow(
      'k.json holds no checkpoint',
    );
  });

  it('reads the anchor of a completed execution, of a rejection that ended failed, and of a rejection workflow', () => {
    const completed = keptAnchorsIn(
      closedHistory('completed', { status: 'blocked_by_mode', plan: [], audit: first }),
      'w1',
    );
    const failed = keptAnchorsIn(
      closedHistory('failed', { status: 'rejected', reasons: [], audit: second }),
      'w2',
    );
    const direct = keptAnchorsIn(closedHistory('completed', third), 'w3');
    expect(
      [...completed, ...failed, ...direct].map((a) => [a.source, a.record?.index, a.checkpoint.size]),
    ).toEqual([
      ['w1', 0, 1],
      ['w2', 1, 2],
      ['w3', 2, 3],
    ]);
  });
});
