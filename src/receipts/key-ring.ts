import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { readJsonFile } from '../common/files.js';
import { ed25519PublicJwkSchema, PRIVATE_JWK_MEMBERS, parseJwk } from './jwk-schemas.js';

/** The public Ed25519 keys a verifier trusts, by kid. Several at once allow rotation. */
export class KeyRing {
  readonly #keys: ReadonlyMap<string, KeyObject>;

  constructor(keys: ReadonlyMap<string, KeyObject>) {
    this.#keys = keys;
  }

  get kids(): string[] {
    return [...this.#keys.keys()];
  }

  keyFor(kid: string): KeyObject | undefined {
    return this.#keys.get(kid);
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
  shape.data.keys.forEach((candidate, index) => {
    const subject = `key #${index + 1} of the JWKS`;
    rejectPrivateMembers(candidate, subject);
    const jwk = parseJwk(ed25519PublicJwkSchema, candidate, subject);
    if (keys.has(jwk.kid))
      throw new Error(`The JWKS lists kid "${jwk.kid}" twice; give each key its own kid.`);
    if (jwk.key_ops && !jwk.key_ops.includes('verify')) {
      throw new Error(`Field "key_ops" of the ${subject} must include "verify" when present.`);
    }
    keys.set(jwk.kid, importPublicKey(jwk.x, subject));
  });
  return new KeyRing(keys);
}

export async function readKeyRingFile(path: string): Promise<KeyRing> {
  return loadKeyRing(await readJsonFile(path, 'a JWKS of Ed25519 public keys'));
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
