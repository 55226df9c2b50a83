import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateNodeKeyPair,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { RECEIPT_ALG } from './claims.js';
import { ed25519PrivateJwkSchema, keyIdSchema, parseJwk } from './jwk-schemas.js';

const generateKeyPair = promisify(generateNodeKeyPair);

export interface SigningKey {
  kid: string;
  key: KeyObject;
}

/**
 * Makes a fresh Ed25519 signing key. The kid defaults to the RFC 7638 thumbprint,
 * so it is stable and never collides by accident.
 */
export async function generateSigningKey(
  kid?: string,
): Promise<{ privateJwk: JWK; publicJwks: { keys: JWK[] } }> {
  if (kid !== undefined) parseJwk(keyIdSchema, kid, 'key id (--kid)');
  const { privateKey } = await generateKeyPair('ed25519');
  const { kty, crv, x, d } = privateKey.export({ format: 'jwk' });
  const keyId = kid ?? (await calculateJwkThumbprint({ kty, crv, x } as JWK, 'sha256'));
  const publicJwk: JWK = { kty, crv, x, kid: keyId, alg: RECEIPT_ALG, use: 'sig' };
  return { privateJwk: { ...publicJwk, d }, publicJwks: { keys: [publicJwk] } };
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
