import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { replaceSynced, syncPath } from '../common/durable-files.js';
import { requiredAs } from '../common/zod-sentence.js';
import { contentDigest } from './digest.js';
import { parseFile } from './parse-file.js';
import { instant, mappingOf, text, timeOf } from './schema.js';

export const revocationSchema = z.strictObject({
  kid: text('the key id'),
  revoked_at: instant(),
  reason: text('the reason'),
});
export type Revocation = z.infer<typeof revocationSchema>;

const revocationsFileSchema = z
  .strictObject(
    {
      version: z.literal(1, { error: 'must be 1' }),
      revocations: z.array(revocationSchema, { error: requiredAs('a list of revocations') }),
    },
    { error: mappingOf('version and revocations') },
  )
  .superRefine((list, context) => {
    list.revocations.forEach((revocation, index) => {
      if (list.revocations.findIndex((other) => other.kid === revocation.kid) !== index) {
        context.addIssue({
          code: 'custom',
          path: ['revocations', index, 'kid'],
          message: `repeats "${revocation.kid}"; a key is revoked once`,
        });
      }
    });
  });
type RevocationsFile = z.infer<typeof revocationsFileSchema>;

/** The revocations a decision uses, with the digest that names that version. */
export interface RevocationsInForce {
  /** null: no revocation list is configured. */
  file: string | null;
  revocations: Revocation[];
  /** `sha256:<hex>` over the canonical JSON of the parsed file; null when none is configured. */
  digest: string | null;
}

export const NO_REVOCATIONS: RevocationsInForce = { file: null, revocations: [], digest: null };

const EMPTY: RevocationsFile = { version: 1, revocations: [] };

const inForce = (list: RevocationsFile, file: string): RevocationsInForce => ({
  file,
  revocations: list.revocations,
  digest: contentDigest(list),
});

const parseList = (text: string, file: string): RevocationsFile =>
  parseFile(revocationsFileSchema, text, `revocation list ${file}`);

/** Parses a revocation list's text (JSON or YAML); throws one sentence naming the file and the field to fix. */
export const parseRevocations = (text: string, file: string): RevocationsInForce =>
  inForce(parseList(text, file), file);

/** The list as its file means it: what `digest` is taken over, and what a bundle carries. */
export const revocationListOf = (inForce: RevocationsInForce): RevocationsFile => ({
  version: 1,
  revocations: inForce.revocations,
});

/** A configured list that does not exist yet is empty: `keys revoke` creates it. */
export const missingRevocations = (file: string): RevocationsInForce => inForce(EMPTY, file);

/** The revocation of `kid` in force at `now`, if any: one dated later is not in force yet. */
export const revocationOf = (
  revocations: readonly Revocation[],
  kid: string,
  now: Date,
): Revocation | undefined =>
  revocations.find((revocation) => revocation.kid === kid && timeOf(revocation.revoked_at) <= now.getTime());

async function readList(file: string): Promise<RevocationsFile> {
  try {
    return parseList(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw error;
  }
}

const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 50, minTimeout: 5, maxTimeout: 200, randomize: true },
};

/**
 * Appends one revocation to `file` (created if missing): under a lock, the whole list is
 * rewritten under a temporary name, synced and renamed, so a reader sees the old list or the new.
 * It is written as JSON; a kid already revoked is refused with one sentence.
 */
export async function revokeKey(file: string, revocation: Revocation): Promise<RevocationsInForce> {
  const entry = revocationSchema.parse(revocation);
  await mkdir(dirname(file), { recursive: true });
  const release = await lockfile.lock(file, { ...LOCK_OPTIONS, lockfilePath: `${file}.lock` });
  try {
    const list = await readList(file);
    const earlier = list.revocations.find((other) => other.kid === entry.kid);
    if (earlier) {
      throw new Error(
        `Key "${entry.kid}" is already revoked in ${file} (at ${earlier.revoked_at}: ${earlier.reason}).`,
      );
    }
    const next: RevocationsFile = { version: 1, revocations: [...list.revocations, entry] };
    await replaceSynced(file, `${JSON.stringify(next, null, 2)}\n`);
    // The new name must survive a power loss: a revocation that disappears would trust the key again.
    await syncPath(dirname(file));
    return inForce(next, file);
  } finally {
    await release();
  }
}
