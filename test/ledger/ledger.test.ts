import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { testPostgresUrl } from '../support/postgres.js';
import { tempDir } from '../support/temp-dirs.js';

const locations: [string, () => Promise<string>][] = [
  ['the file ledger', async () => `file:${await tempDir('ledger')}`],
  ['the file ledger named by a file URL', async () => pathToFileURL(await tempDir('ledger')).href],
  ['the PostgreSQL ledger', async () => testPostgresUrl()],
];

describe.each(locations)('%s', (_name, location) => {
  it('lets one workflow run consume a receipt, idempotently, and tells every other run who did', async () => {
    const ledger = await openLedger(await location());
    const receiptId = `receipt-${Date.now()}-${Math.random()}`;
    const first = { workflowId: 'receipt-wf-1', runId: 'run-a' };
    try {
      expect(await ledger.consume(receiptId, first)).toEqual({ consumed: true });
      expect(await ledger.consume(receiptId, first)).toEqual({ consumed: true });
      const refusal = { consumed: false, consumedBy: 'receipt-wf-1 (run run-a)' };
      expect(await ledger.consume(receiptId, { workflowId: 'other-wf', runId: 'run-a' })).toEqual(refusal);
      // The same workflow id run again (allowed by Temporal after a failed run) is another consumer.
      expect(await ledger.consume(receiptId, { ...first, runId: 'run-b' })).toEqual(refusal);
    } finally {
      await ledger.close();
    }
  });

  it('admits exactly one of many concurrent consumers, across separate ledger instances', async () => {
    const where = await location();
    const ledgers = await Promise.all(Array.from({ length: 4 }, () => openLedger(where)));
    const receiptId = `race-${Date.now()}-${Math.random()}`;
    try {
      const verdicts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          ledgers[i % ledgers.length]?.consume(receiptId, { workflowId: 'receipt-same', runId: `run-${i}` }),
        ),
      );
      const winners = verdicts.filter((verdict) => verdict?.consumed);
      expect(winners).toHaveLength(1);
      const owner = verdicts.find((verdict) => verdict && !verdict.consumed);
      expect(owner && !owner.consumed && owner.consumedBy).toMatch(/^receipt-same \(run run-\d+\)$/);
    } finally {
      await Promise.all(ledgers.map((ledger) => ledger.close()));
    }
  });
});
