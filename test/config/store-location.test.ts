import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoreLocation } from '../../src/common/store-location.js';

describe('store locations (MARKETOPS_AUDIT_STORE, MARKETOPS_LEDGER)', () => {
  it('names PostgreSQL by a postgres:// or postgresql:// URL, kept whole', () => {
    for (const url of ['postgres://u@db:5432/marketops?schema=audit', 'postgresql://u@db/marketops']) {
      expect(parseStoreLocation(url)).toEqual({ kind: 'postgres', url });
    }
  });

  it('names a directory by file:PATH, a file URL or a plain path, always absolute', () => {
    expect(parseStoreLocation('file:.data/audit')).toEqual({ kind: 'file', dir: resolve('.data/audit') });
    expect(parseStoreLocation('file:/srv/marketops/audit')).toEqual({
      kind: 'file',
      dir: '/srv/marketops/audit',
    });
    expect(parseStoreLocation('.data/ledger')).toEqual({ kind: 'file', dir: resolve('.data/ledger') });
    expect(parseStoreLocation('/srv/ledger')).toEqual({ kind: 'file', dir: '/srv/ledger' });
  });

  it('reads a file URL as a URL: percent-escapes decoded, localhost allowed, another host refused', () => {
    expect(parseStoreLocation('file:///srv/market%20ops/audit')).toEqual({
      kind: 'file',
      dir: '/srv/market ops/audit',
    });
    expect(parseStoreLocation('file://localhost/srv/audit')).toEqual({ kind: 'file', dir: '/srv/audit' });
    expect(() => parseStoreLocation('file://.data/audit')).toThrow(
      /not a usable file URL.*file:\/\/\/absolute/,
    );
  });
});
