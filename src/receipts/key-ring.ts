import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { z } from 'zod';
import { fileVersion } from '../common/file-version.js';
import { readJsonFile } from '../common/files.js';
import { ed25519PublicJwkSchema, PRIVATE_JWK_MEMBERS, parseJwk } from './jwk-schemas.js';

/** Which version of the ring's file was read (src/common/file-version.ts); null: it was missing. */
type FileStamp = { path: string; version: string | null };

/**
 * The public Ed25519 keys a verifier trusts, by kid. Several at once allow rotation. A ring read from
 * a file re-reads it on `refresh()` when the file changed, so a worker trusts a key added to or
 * removed from the ring without a restart.
 */
export class KeyRing {
  #keys: ReadonlyMap<string, KeyObject>;
  #file: FileStamp | undefined;

  constructor(keys: ReadonlyMap<string, KeyObject>, file?: FileStamp) {
    this.#keys = keys;
    this.#file = file;
  }

  /** One stat; reads and parses the file again only when it changed. Throws, failing closed, when it no longer parses. */
  async refresh(): Promise<void> {
    if (!this.#file) return;
    const { path, version } = this.#file;
    if ((await fileVersion(path)) === version) return;
    const next = await readKeyRingFile(path);
    this.#keys = next.#keys;
    this.#file = next.#file;
  }

  get kids(): string[] {
    return [...this.#keys.keys()];
  }

  keyFor(kid: string): KeyObject | undefined {
    return this.#keys.get(kid);
  }

  /** The RFC 7638 SHA-256 thumbprint of the key named `kid`, which names it beyond its kid; undefined when the ring has none. */
  async thumbprintFor(kid: string): Promise<string | undefined> {
    const key = this.#keys.get(kid);
    if (!key) return undefined;
    const { kty, crv, x } = key.export({ format: 'jwk' });
    return calculateJwkThumbprint({ kty, crv, x } as JWK, 'sha256');
  }
}

const jwksShape = z.object({ keys: z.array(z.unknown()).min(1) });

/**
 * Builds a key ring from a JWKS. Only OKP/Ed25519 public keys with a kid are accepted;
 * a key with private members is refused so a leaked private key is noticed, not silently trusted.
 */
export function loadKeyRing(jwks: unknown): KeyRing {
  const shape = jwksShape.safeParse(jwks);
  if (!shape.success)
    throw new Error('The key ring must be a JWKS: a JSON object with a non-empty "keys" array.');
  const keys = new Map<string, KeyObject>();
  // One key, one kid: a revocation names a kid, and a second kid for the same key would outlive it.
  const kidOfKey = new Map<string, string>();
  shape.data.keys.forEach((candidate, index) => {
    const subject = `key #${index + 1} of the JWKS`;
    rejectPrivateMembers(candidate, subject);
    const jwk = parseJwk(ed25519PublicJwkSchema, candidate, subject);
    if (keys.has(jwk.kid))
      throw new Error(`The JWKS lists kid "${jwk.kid}" twice; give each key its own kid.`);
    const sameKey = kidOfKey.get(jwk.x);
    if (sameKey !== undefined)
      throw new Error(`The JWKS lists one key under kids "${sameKey}" and "${jwk.kid}"; keep one of them.`);
    kidOfKey.set(jwk.x, jwk.kid);
    if (jwk.key_ops && !jwk.key_ops.includes('verify')) {
      throw new Error(`Field "key_ops" of the ${subject} must include "verify" when present.`);
    }
    keys.set(jwk.kid, importPublicKey(jwk.x, subject));
  });
  return new KeyRing(keys);
}

export async function readKeyRingFile(path: string): Promise<KeyRing> {
  // Stat first: a change made while reading is then seen by the next refresh.
  const version = await fileVersion(path);
  const ring = loadKeyRing(await readJsonFile(path, 'a JWKS of Ed25519 public keys'));
  return new KeyRing(new Map(ring.kids.map((kid) => [kid, ring.keyFor(kid) as KeyObject])), {
    path,
    version,
  });
}

function rejectPrivateMembers(candidate: unknown, subject: string): void {
  if (typeof candidate !== 'object' || candidate === null) return;
  const found = PRIVATE_JWK_MEMBERS.filter((member) => member in candidate);
  if (found.length > 0) {
    throw new Error(
      `The ${subject} carries private key material ("${found.join('", "')}"); a key ring holds public keys only.`,
    );
  }
}

function importPublicKey(x: string, subject: string): KeyObject {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  } catch {
    throw new Error(`Field "x" of the ${subject} is not a valid Ed25519 public key.`);
  }
}
