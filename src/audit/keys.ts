import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { z } from 'zod';
import { readJsonFile } from '../common/files.js';
import { type CheckpointSigner, checkpointSignerFromJwk, publicJwkOf } from './checkpoint.js';

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

/** A fresh Ed25519 key pair: the private JWK (with kid) and the JWKS to publish. */
export async function generateAuditKeys(): Promise<{
  privateJwk: JWK & { kid: string };
  publicJwks: { keys: JWK[] };
}> {
  const { privateKey } = await generateKeyPair('Ed25519', { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid: `audit-${randomUUID()}` };
  return { privateJwk, publicJwks: { keys: [publicJwkOf(privateJwk)] } };
}

/** Writes a new key pair; the private key file is readable by its owner only. */
export async function writeAuditKeys(paths: {
  privateKey: string;
  publicKeys: string;
}): Promise<{ kid: string }> {
  const { privateJwk, publicJwks } = await generateAuditKeys();
  await mkdir(dirname(paths.privateKey), { recursive: true });
  await mkdir(dirname(paths.publicKeys), { recursive: true });
  await writeFile(paths.privateKey, `${JSON.stringify(privateJwk, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await writeFile(paths.publicKeys, `${JSON.stringify(publicJwks, null, 2)}\n`);
  return { kid: privateJwk.kid };
}
