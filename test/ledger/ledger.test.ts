import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { testPostgresUrl } from '../support/postgres.js';

const locations: [string, () => Promise<string>][] = [
  ['the file ledger', async () => `file:${await mkdtemp(join(tmpdir(), 'marketops-ledger-'))}`],
  ['the PostgreSQL ledger', async () => testPostgresUrl()],
];

describe.each(locations)('%s', (_name, location) => {
  it('lets one workflow consume a receipt, idempotently, and tells every other workflow who did', async () => {
    const ledger = await openLedger(await location());
    const receiptId = `receipt-${Date.now()}-${Math.random()}`;
    try {
      expect(await ledger.consume(receiptId, 'receipt-wf-1')).toEqual({ consumed: true });
      expect(await ledger.consume(receiptId, 'receipt-wf-1')).toEqual({ consumed: true });
      expect(await ledger.consume(receiptId, 'other-wf')).toEqual({
        consumed: false,
        consumedBy: 'receipt-wf-1',
      });
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
        Array.from({ length: 20 }, (_, i) => ledgers[i % ledgers.length]?.consume(receiptId, `wf-${i}`)),
      );
      const winners = verdicts.filter((verdict) => verdict?.consumed);
      expect(winners).toHaveLength(1);
      const owner = verdicts.find((verdict) => verdict && !verdict.consumed);
      expect(owner && !owner.consumed && owner.consumedBy).toMatch(/^wf-\d+$/);
    } finally {
      await Promise.all(ledgers.map((ledger) => ledger.close()));
    }
  });
});
