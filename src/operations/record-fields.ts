import { openPrRecordFields } from './open-pr/record.js';
import { publishReleaseRecordFields } from './publish-release/record.js';
import { tagRepoRecordFields } from './tag-repo/record.js';

/**
 * Each kind's ids in the audit record's `github` object, as its module declares them (its `record`).
 * Listed here, not taken from the registry, because the audit record is below the operations' GitHub
 * calls: the registry would import back into it. test/operations/registry.test.ts holds this to the
 * registry's modules.
 */
export const kindRecordFields = {
  ...publishReleaseRecordFields,
  ...tagRepoRecordFields,
  ...openPrRecordFields,
};
