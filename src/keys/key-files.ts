import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKey } from '../receipts/index.js';

/** Receipt keys sign authorizations: Federation Core holds the private half, executors the JWKS. */
export const receiptKeyFileNames = {
  privateKey: 'receipt-signing-key.jwk.json',
  publicKeys: 'receipt-keys.jwks.json',
};

/** Audit keys sign the log's checkpoints: the workers hold the private half, auditors the JWKS. */
export const auditKeyFileNames = {
  privateKey: 'audit-signing-key.jwk.json',
  publicKeys: 'audit-keys.jwks.json',
};

export class KeyExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists; choose another --out directory or move the old key away first.`);
  }
}

/** 'wx' makes creation atomic with the existence check, so a key is never overwritten. */
async function writeNew(path: string, value: unknown, mode: number): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyExistsError(path);
    throw error;
  }
}

const pathsIn = (dir: string) => ({
  privateKeyFile: join(dir, receiptKeyFileNames.privateKey),
  publicKeysFile: join(dir, receiptKeyFileNames.publicKeys),
});

/** Writes a new Ed25519 pair into `dir`: the private JWK (0600) and the public JWKS. */
export async function writeReceiptKeyPair(dir: string, kid?: string) {
  const { privateKeyFile, publicKeysFile } = pathsIn(dir);
  const { privateJwk, publicJwks } = await generateSigningKey(kid);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Checked up front so a half-written pair is never left behind; 'wx' still closes the race.
  for (const path of [privateKeyFile, publicKeysFile]) if (existsSync(path)) throw new KeyExistsError(path);
  await writeNew(privateKeyFile, privateJwk, 0o600);
  await writeNew(publicKeysFile, publicJwks, 0o644);
  return { kid: String(privateJwk.kid), privateKeyFile, publicKeysFile };
}

/** For `start`: keeps the pair that is there, so a restart resumes with the same keys. */
export async function ensureReceiptKeyPair(dir: string, kid: string) {
  const paths = pathsIn(dir);
  if (existsSync(paths.privateKeyFile) && existsSync(paths.publicKeysFile)) return paths;
  return writeReceiptKeyPair(dir, kid);
}
