import { generateKeyPair as generateNodeKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';

const generateKeyPair = promisify(generateNodeKeyPair);

/** A new key: the private JWK to keep secret and the JWKS to publish. */
export interface KeyPair {
  privateJwk: JWK & { kid: string };
  publicJwks: { keys: JWK[] };
}

/**
 * The one Ed25519 generator, for receipt and audit keys alike. Both sign with JWS alg "EdDSA"
 * (RFC 8037). The kid is derived from the key's RFC 7638 thumbprint: stable, never another key's by
 * accident, so a receipt from another installation names a key this one clearly does not have.
 * `kid` is an explicit name, or a function naming the key by its thumbprint.
 */
export async function generateEd25519KeyPair(
  kid: string | ((thumbprint: string) => string) = (thumbprint) => thumbprint,
): Promise<KeyPair> {
  const { privateKey } = await generateKeyPair('ed25519');
  const { kty, crv, x, d } = privateKey.export({ format: 'jwk' });
  const keyId =
    typeof kid === 'string' ? kid : kid(await calculateJwkThumbprint({ kty, crv, x } as JWK, 'sha256'));
  const publicJwk = { kty, crv, x, kid: keyId, alg: 'EdDSA', use: 'sig' };
  return { privateJwk: { ...publicJwk, d }, publicJwks: { keys: [publicJwk] } };
}
