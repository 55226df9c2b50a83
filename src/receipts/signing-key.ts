import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { generateEd25519KeyPair, type KeyPair } from '../keys/ed25519.js';
import { ed25519PrivateJwkSchema, keyIdSchema, parseJwk } from './jwk-schemas.js';

export interface SigningKey {
  kid: string;
  key: KeyObject;
}

/**
 * Makes a fresh Ed25519 receipt signing key, named by its RFC 7638 thumbprint so no two installations
 * share a kid. An explicit kid is still accepted (a Federation Core with its own naming, e.g. by
 * year); it must be usable in a receipt's header, and keeping it unique is then its owner's job.
 */
export async function generateSigningKey(kid?: string): Promise<KeyPair> {
  if (kid !== undefined) parseJwk(keyIdSchema, kid, 'key id (--kid)');
  return generateEd25519KeyPair(kid);
}

/** Imports a private Ed25519 JWK for signing; errors never include the key material. */
export function loadSigningKey(privateJwk: unknown): SigningKey {
  const jwk = parseJwk(ed25519PrivateJwkSchema, privateJwk, 'private signing key (JWK)');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }, format: 'jwk' });
  } catch {
    throw new Error(
      'The private signing key is not a valid Ed25519 JWK; generate one with `marketops keygen`.',
    );
  }
  // A mismatched x would sign receipts that the published JWKS can never verify.
  if (createPublicKey(key).export({ format: 'jwk' }).x !== jwk.x) {
    throw new Error('Field "x" of the private signing key does not match its "d"; regenerate the key.');
  }
  return { kid: jwk.kid, key };
}
