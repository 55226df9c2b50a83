import { z } from 'zod';

/** What a pull request adds to its audit record's `github` object: its number. */
export const openPrRecordFields = { pr_number: z.number().int().optional() };
