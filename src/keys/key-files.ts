import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KeyPair } from './ed25519.js';

/** Where one key pair lives: the private JWK and the public JWKS. */
export interface KeyFiles {
  privateKeyFile: string;
  publicKeysFile: string;
}

/** The pair's files in `dir`, under the names of `receiptKeyFileNames` or `auditKeyFileNames`. */
export const keyFilesIn = (dir: string, names: { privateKey: string; publicKeys: string }): KeyFiles => ({
  privateKeyFile: join(dir, names.privateKey),
  publicKeysFile: join(dir, names.publicKeys),
});

export class KeyExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists; keys are never overwritten, so move the old key away first.`);
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

/**
 * Writes a new pair: the private JWK readable by its owner only, the public JWKS readable by all.
 * Overwriting either would lose a key: the private one signs, the published one verifies what it
 * signed before. So an existing file of the pair stops the write before anything is written.
 */
export async function writeKeyPair(files: KeyFiles, { privateJwk, publicJwks }: KeyPair): Promise<void> {
  await mkdir(dirname(files.privateKeyFile), { recursive: true, mode: 0o700 });
  await mkdir(dirname(files.publicKeysFile), { recursive: true });
  // Checked up front so a half-written pair is never left behind; 'wx' still closes the race.
  for (const path of [files.privateKeyFile, files.publicKeysFile]) {
    if (existsSync(path)) throw new KeyExistsError(path);
  }
  await writeNew(files.privateKeyFile, privateJwk, 0o600);
  await writeNew(files.publicKeysFile, publicJwks, 0o644);
}

/** For `start`: keeps the pair that is there, so a restart resumes with the same keys. */
export async function ensureKeyPair(files: KeyFiles, generate: () => Promise<KeyPair>): Promise<KeyFiles> {
  if (!existsSync(files.privateKeyFile) || !existsSync(files.publicKeysFile)) {
    await writeKeyPair(files, await generate());
  }
  return files;
}
