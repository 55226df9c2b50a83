import { z } from 'zod';

/** What a tag adds to its audit record's `github` object: the sha its ref points at. */
export const tagRepoRecordFields = { tag_sha: z.string().optional() };
