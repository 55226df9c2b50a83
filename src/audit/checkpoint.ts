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
 * The signature covers the first three lines (the note body). As tlog-checkpoint recommends, the key name is
 * the origin, so a witness or monitor tells logs apart by name; checkpoints signed before that used the JWK's
 * `kid` and still verify. The key hash is SHA-256(name || "\n" || 0x01 || public key)[:4] (signed-note).
 * In JSON, `keyId` is the signing JWK's `kid`: it finds the key in a published JWKS.
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
  /** The origin configured for this signer, if any; a log that already has an origin keeps its own. */
  readonly origin: string | undefined;
  readonly keyId: string;
  sign(origin: string, size: number, rootHash: Buffer): Checkpoint;
}

const ED25519_ALGORITHM = 0x01;
/** signed-note key names (and so our origins): non-empty, no whitespace, no "+". */
const keyNamePattern = /^[^\s+]+$/;
const isKeyName = (name: string): boolean => keyNamePattern.test(name);

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

const originProblem = (origin: string | undefined) =>
  origin !== undefined && !isKeyName(origin)
    ? `The audit log origin "${origin}" (MARKETOPS_AUDIT_ORIGIN) must be one word without spaces or "+", e.g. audit.example.com/marketops: it is also the signature's key name.`
    : undefined;

/**
 * A signer of checkpoints; the private key never leaves the returned closure. `origin`, when given, is the
 * name a new log takes (see `originForAppend`).
 */
export async function checkpointSignerFromJwk(privateJwk: JWK, origin?: string): Promise<CheckpointSigner> {
  const keyId = privateJwk.kid;
  if (!keyId || !isKeyName(keyId)) {
    throw new Error('The audit signing JWK needs a "kid" without spaces or "+"; regenerate it with a kid.');
  }
  const badOrigin = originProblem(origin);
  if (badOrigin) throw new Error(badOrigin);
  if (typeof privateJwk.d !== 'string')
    throw new Error('The audit signing JWK must be a private key (with "d").');
  const publicKey = rawPublicKey(privateJwk);
  const key = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: privateJwk.x, d: privateJwk.d },
    format: 'jwk',
  });
  return {
    origin,
    keyId,
    sign(logOrigin, size, root) {
      const problem = originProblem(logOrigin);
      if (problem) throw new Error(problem);
      const rootHash = root.toString('base64');
      const body = noteBody(logOrigin, size, rootHash);
      const signature = sign(null, Buffer.from(body), key);
      const blob = Buffer.concat([keyHash(logOrigin, publicKey), signature]).toString('base64');
      return {
        origin: logOrigin,
        size,
        rootHash,
        signature: signature.toString('base64'),
        keyId,
        text: `${body}\n— ${logOrigin} ${blob}\n`,
      };
    },
  };
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

interface SignatureLine {
  name: string;
  blob: string;
}

/** The signature lines after the note body's blank line; undefined unless every line is one. */
function signatureLines(text: string): SignatureLine[] | undefined {
  if (!text.endsWith('\n')) return undefined;
  const lines = text.slice(0, -1).split('\n');
  const parsed = lines.map((line) => /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line));
  if (parsed.some((match) => !match)) return undefined;
  return parsed.map((match) => ({ name: match?.[1] as string, blob: match?.[2] as string }));
}

/** The log's own signature: named after the origin (C2SP), or after the kid (checkpoints signed before). */
const logSignature = (lines: readonly SignatureLine[], origin: string, keyId: string) =>
  lines.find((line) => line.name === origin) ?? lines.find((line) => line.name === keyId);

/**
 * Checks that the note text is exactly what its fields say and that a trusted key signed it.
 * Other signature lines (a witness's cosignature) are ignored, as signed-note requires.
 * Returns why it fails, or undefined when it holds.
 */
export function checkpointProblem(checkpoint: Checkpoint, keys: readonly JWK[]): string | undefined {
  const { origin, size, rootHash, keyId, signature, text } = checkpoint;
  const body = noteBody(origin, size, rootHash);
  if (!text.startsWith(`${body}\n`)) return `checkpoint of size ${size}: note text does not match its fields`;
  const lines = signatureLines(text.slice(body.length + 1));
  if (!lines) return `checkpoint of size ${size}: malformed signature line`;
  const line = logSignature(lines, origin, keyId);
  if (!line) return `checkpoint of size ${size}: no signature line names the log`;
  const trusted = publicKeyFor(keys, keyId);
  if (!trusted) return `checkpoint of size ${size}: signed by unknown key "${keyId}"`;
  const blob = canonicalBase64(line.blob);
  if (!blob || !canonicalBase64(rootHash)) return `checkpoint of size ${size}: non-canonical base64`;
  const sig = blob.subarray(4);
  if (!blob.subarray(0, 4).equals(keyHash(line.name, trusted.raw)) || sig.toString('base64') !== signature) {
    return `checkpoint of size ${size}: signature line does not match key "${keyId}"`;
  }
  if (!verify(null, Buffer.from(body), trusted.key, sig)) {
    return `checkpoint of size ${size}: Ed25519 signature by "${keyId}" is invalid`;
  }
  return undefined;
}

/**
 * Reads a checkpoint from its signed-note text alone. The note names its key by name and key hash, not by
 * kid, so the kid is found among `keys`; undefined when the text is not a checkpoint note at all. A note no
 * trusted key signed comes back with the signature line's name as its kid, for `checkpointProblem` to refuse.
 */
export function checkpointFromNote(text: string, keys: readonly JWK[]): Checkpoint | undefined {
  const match = /^([^\n]+)\n(0|[1-9]\d{0,15})\n([A-Za-z0-9+/=]+)\n\n/.exec(text);
  const lines = match && signatureLines(text.slice(match[0].length));
  if (!match || !lines || lines.length === 0) return undefined;
  const [, origin, size, rootHash] = match as unknown as [string, string, string, string];
  const signer = (line: SignatureLine) =>
    keys.find(
      (k) =>
        k.kty === 'OKP' &&
        k.crv === 'Ed25519' &&
        Buffer.from(line.blob, 'base64')
          .subarray(0, 4)
          .equals(keyHash(line.name, rawPublicKey(k))),
    )?.kid;
  const line = lines.find(signer) ?? (lines[0] as SignatureLine);
  const kid = signer(line) ?? line.name;
  return {
    origin,
    size: Number(size),
    rootHash,
    signature: Buffer.from(line.blob, 'base64').subarray(4).toString('base64'),
    keyId: kid,
    text,
  };
}
