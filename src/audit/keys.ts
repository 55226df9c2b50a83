import type { JWK } from 'jose';
import { z } from 'zod';
import { readJsonFile } from '../common/files.js';
import { generateEd25519KeyPair, type KeyPair } from '../keys/ed25519.js';
import { type CheckpointSigner, checkpointSignerFromJwk } from './checkpoint.js';

/**
 * The origin every log had before origins were per log. Logs that began with it keep it (a log keeps its
 * origin for life); new logs get their own (see `originForAppend`).
 */
export const DEFAULT_AUDIT_ORIGIN = 'marketops-publisher/audit-log';

const jwksSchema = z.object({
  keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().min(1) })).min(1),
});

const readKeyFile = (path: string, what: string) =>
  readJsonFile(path, `the ${what} (made by "marketops audit keygen")`);

export async function readPublicJwks(path: string): Promise<{ keys: JWK[] }> {
  const parsed = jwksSchema.safeParse(await readKeyFile(path, 'audit public key set'));
  if (!parsed.success)
    throw new Error(`The audit public key set at ${path} must be a JWKS with a "kid" on every key.`);
  return parsed.data as { keys: JWK[] };
}

/** `origin` names a new log; without it a new log gets a generated name and an existing log keeps its own. */
export async function loadCheckpointSigner(path: string, origin?: string): Promise<CheckpointSigner> {
  return checkpointSignerFromJwk((await readKeyFile(path, 'audit signing key')) as JWK, origin);
}

/** A fresh checkpoint signing key; its kid says it is an audit key, and which one by its RFC 7638 thumbprint. */
export const generateAuditKeys = (): Promise<KeyPair> =>
  generateEd25519KeyPair((thumbprint) => `audit-${thumbprint}`);
