import { z } from 'zod';
import { base64url32Bytes, singleLineText } from '../common/text-fields.js';
import { firstIssueSentence } from '../common/zod-sentence.js';
import { ACCEPTED_ALGS, ACCEPTED_ALGS_TEXT } from './claims.js';

export const keyIdSchema = singleLineText(1, 128);

const ed25519PublicMembers = {
  kty: z.literal('OKP', { error: 'must be "OKP" (only Ed25519 keys are accepted)' }),
  crv: z.literal('Ed25519', { error: 'must be "Ed25519"' }),
  x: base64url32Bytes(),
  kid: keyIdSchema,
  // Either name means pure Ed25519 for an Ed25519 key, so either lets the key verify both.
  alg: z
    .enum(ACCEPTED_ALGS, {
      error: `must be ${ACCEPTED_ALGS_TEXT} when present`,
    })
    .optional(),
  use: z.literal('sig', { error: 'must be "sig" when present' }).optional(),
  key_ops: z.array(z.string()).optional(),
};

export const ed25519PublicJwkSchema = z.strictObject(ed25519PublicMembers);
export const ed25519PrivateJwkSchema = z.strictObject({ ...ed25519PublicMembers, d: base64url32Bytes() });

/** JWK members that only private or symmetric keys carry. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Parses a JWK or throws one sentence; never echoes member values, which may be secret. */
export function parseJwk<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new Error(firstIssueSentence(result.error, subject));
  return result.data;
}
