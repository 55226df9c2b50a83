import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import type { JWK } from 'jose';
import { z } from 'zod';

/**
 * Signed checkpoints in the C2SP tlog-checkpoint / signed-note format:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n
 *   \n
 *   — <key name> <base64(4-byte key hash || 64-byte Ed25519 signature)>\n
 *
 * The signature covers the first three lines (the note body). The key name is the JWK's `kid`,
 * and the key hash is SHA-256(name || "\n" || 0x01 || public key)[:4], as C2SP's signed-note specifies.
 */

export const checkpointSchema = z.strictObject({
  origin: z.string().min(1),
  size: z.number().int().nonnegative(),
  /** Standard base64, as in the note. */
  rootHash: z.string().min(1),
  /** Standard base64 of the raw 64-byte Ed25519 signature. */
  signature: z.string().min(1),
  keyId: z.string().min(1),
  /** The whole signed note; what a third party checks. */
  text: z.string().min(1),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export interface CheckpointSigner {
  readonly origin: string;
  readonly keyId: string;
  sign(size: number, rootHash: Buffer): Checkpoint;
}

const ED25519_ALGORITHM = 0x01;
const keyNamePattern = /^[^\s+]+$/;

const noteBody = (origin: string, size: number, rootHash: string): string =>
  `${origin}\n${size}\n${rootHash}\n`;

function keyHash(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([ED25519_ALGORITHM]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

function rawPublicKey(jwk: JWK): Buffer {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error(`Audit key "${jwk.kid ?? '(no kid)'}" must be an Ed25519 OKP JWK with an "x" member.`);
  }
  return Buffer.from(jwk.x, 'base64url');
}

/** A signer for checkpoints of the log named `origin`; the private key never leaves the returned closure. */
export async function checkpointSignerFromJwk(privateJwk: JWK, origin: string): Promise<CheckpointSigner> {
  const keyId = privateJwk.kid;
  if (!keyId || !keyNamePattern.test(keyId)) {
    throw new Error('The audit signing JWK needs a "kid" without spaces or "+"; regenerate it with a kid.');
  }
  if (!origin || origin.includes('\n')) throw new Error('The audit log origin must be one non-empty line.');
  if (typeof privateJwk.d !== 'string')
    throw new Error('The audit signing JWK must be a private key (with "d").');
  const prefix = keyHash(keyId, rawPublicKey(privateJwk));
  const key = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: privateJwk.x, d: privateJwk.d },
    format: 'jwk',
  });
  return {
    origin,
    keyId,
    sign(size, root) {
      const rootHash = root.toString('base64');
      const body = noteBody(origin, size, rootHash);
      const signature = sign(null, Buffer.from(body), key);
      const line = `— ${keyId} ${Buffer.concat([prefix, signature]).toString('base64')}\n`;
      return {
        origin,
        size,
        rootHash,
        signature: signature.toString('base64'),
        keyId,
        text: `${body}\n${line}`,
      };
    },
  };
}

/** The public half of a private JWK, safe to publish. */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { kty, crv, x, kid } = privateJwk;
  return { kty, crv, x, kid, alg: 'EdDSA', use: 'sig' };
}

/** Decodes base64 only if it is the one canonical encoding: Node ignores stray bits, a verifier must not. */
function canonicalBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function publicKeyFor(keys: readonly JWK[], keyId: string): { raw: Buffer; key: KeyObject } | undefined {
  const jwk = keys.find((k) => k.kid === keyId);
  if (!jwk) return undefined;
  const raw = rawPublicKey(jwk);
  return { raw, key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }) };
}

/**
 * Checks that the note text is exactly what its fields say and that a trusted key signed it.
 * Returns why it fails, or undefined when it holds.
 */
export function checkpointProblem(checkpoint: Checkpoint, keys: readonly JWK[]): string | undefined {
  const { origin, size, rootHash, keyId, signature, text } = checkpoint;
  const body = noteBody(origin, size, rootHash);
  if (!text.startsWith(`${body}\n`)) return `checkpoint of size ${size}: note text does not match its fields`;
  const match = /^— (\S+) ([A-Za-z0-9+/=]+)\n$/.exec(text.slice(body.length + 1));
  if (!match || match[1] !== keyId) return `checkpoint of size ${size}: malformed signature line`;
  const trusted = publicKeyFor(keys, keyId);
  if (!trusted) return `checkpoint of size ${size}: signed by unknown key "${keyId}"`;
  const blob = canonicalBase64(match[2] as string);
  if (!blob || !canonicalBase64(rootHash)) return `checkpoint of size ${size}: non-canonical base64`;
  const sig = blob.subarray(4);
  if (!blob.subarray(0, 4).equals(keyHash(keyId, trusted.raw)) || sig.toString('base64') !== signature) {
    return `checkpoint of size ${size}: signature line does not match key "${keyId}"`;
  }
  if (!verify(null, Buffer.from(body), trusted.key, sig)) {
    return `checkpoint of size ${size}: Ed25519 signature by "${keyId}" is invalid`;
  }
  return undefined;
}
