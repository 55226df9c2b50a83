import { describe, expect, it } from 'vitest';
import { openAuditStore, openDecisionVersions } from '../../src/audit/index.js';
import { freshPostgresLocation } from '../support/postgres.js';
import { tempDir } from '../support/temp-dirs.js';

const kinds = {
  file: async () => `file:${await tempDir('decision-versions')}`,
  postgres: async () => freshPostgresLocation('decision_versions'),
};

describe.each(Object.entries(kinds))(
  'decision versions kept beside a %s audit log',
  (_kind, makeLocation) => {
    it('keeps each version once by digest, apart per kind, and reads it back after reopening', async () => {
      const location = await makeLocation();
      // The audit log and its versions share the location: opening either first works.
      const store = await openAuditStore(location);
      const versions = await openDecisionVersions(location);
      await versions.keep('policy', 'sha256:aa', { version: 1, rules: ['b', 'a'] });
      await versions.keep('policy', 'sha256:aa', { version: 1, rules: ['b', 'a'] });
      await versions.keep('revocations', 'sha256:aa', { version: 1, revocations: [] });
      await versions.close();
      await store.close();
      const reopened = await openDecisionVersions(location);
      try {
        expect(await reopened.read('policy', 'sha256:aa')).toEqual({ version: 1, rules: ['b', 'a'] });
        expect(await reopened.read('revocations', 'sha256:aa')).toEqual({ version: 1, revocations: [] });
        expect(await reopened.read('policy', 'sha256:bb')).toBeUndefined();
      } finally {
        await reopened.close();
      }
    });
  },
);
