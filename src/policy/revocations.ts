import { z } from 'zod';

export const revocationSchema = z.strictObject({
  kid: z.string().min(1),
  revoked_at: z.iso.datetime({ offset: true }),
  reason: z.string().min(1),
});
export type Revocation = z.infer<typeof revocationSchema>;

export const revocationsFileSchema = z.strictObject({
  version: z.literal(1),
  revocations: z.array(revocationSchema),
});

/** The revocations a decision uses, with the digest that names that version. */
export interface RevocationsInForce {
  /** null: no revocation list is configured. */
  file: string | null;
  revocations: Revocation[];
  /** `sha256:<hex>` over the canonical JSON of the parsed list; null when none is configured. */
  digest: string | null;
}

/** Parses a revocation list's text (JSON or YAML); throws one sentence naming the file and the field to fix. */
export function parseRevocations(text: string, file: string): RevocationsInForce {
  throw new Error('not yet');
}

/**
 * Appends one revocation to `file` (created if missing): under a lock, the whole list is
 * rewritten under a temporary name, synced and renamed, so a reader sees the old list or the new.
 */
export async function revokeKey(file: string, revocation: Revocation): Promise<RevocationsInForce> {
  throw new Error('not yet');
}
