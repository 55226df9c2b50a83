import type { KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import { firstIssueSentence } from '../common/zod-sentence.js';
import {
  ACCEPTED_ALGS,
  ACCEPTED_ALGS_TEXT,
  RECEIPT_TYPE,
  type ReceiptClaims,
  receiptClaimsSchema,
} from './claims.js';
import { decodeCompactHeader } from './compact-jws.js';
import type { KeyRing } from './key-ring.js';
import { type ReceiptReason, reason } from './reasons.js';
import { show } from './show.js';
import { parseStrictJsonObject } from './strict-json.js';

/** Every kid in full: thumbprints are long, and the one that differs must be readable. */
const knownKids = (keys: KeyRing) => keys.kids.map((kid) => JSON.stringify(kid)).join(', ');

export type SignatureCheck =
  | { ok: true; claims: ReceiptClaims; kid: string }
  | { ok: false; reasons: ReceiptReason[] };

/** Header members that point at or embed a key: keys come only from the local ring, so any of these is refused. */
const EMBEDDED_KEY_MEMBERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];
const HEADER_MEMBERS = ['alg', 'typ', 'kid'];

/**
 * Verifies structure, protected header, signature and claims shape, nothing else.
 * The client calls it before it records a receipt_id, so a forged receipt can never
 * use up the id of a genuine one. Never throws.
 */
export async function verifyReceiptSignature(token: unknown, keys: KeyRing): Promise<SignatureCheck> {
  if (token === undefined || token === null || token === '') {
    return rejected(
      reason('RECEIPT_MISSING', 'No receipt was supplied; every operation needs a signed receipt.'),
    );
  }
  if (typeof token !== 'string') {
    return rejected(malformed(`must be a string in JWS compact serialization, not ${typeof token}`));
  }
  const decoded = decodeCompactHeader(token);
  if (!decoded.ok) return rejected(reason(decoded.code, `The receipt ${decoded.problem}.`));
  const header = checkHeader(decoded.header, keys);
  if (!header.ok) return header;
  try {
    const { payload } = await compactVerify(token, header.key, { algorithms: [...ACCEPTED_ALGS] });
    return checkClaims(payload, header.kid);
  } catch {
    return rejected(
      reason(
        'BAD_SIGNATURE',
        `The receipt signature does not verify with key "${header.kid}" from the key ring.`,
      ),
    );
  }
}

type HeaderCheck = { ok: true; kid: string; key: KeyObject } | { ok: false; reasons: ReceiptReason[] };

/** Every header rule is evaluated so the rejection lists all of them. */
function checkHeader(header: Record<string, unknown>, keys: KeyRing): HeaderCheck {
  const reasons: ReceiptReason[] = [];
  if (!ACCEPTED_ALGS.some((alg) => alg === header.alg)) {
    reasons.push(
      reason(
        'ALG_NOT_ALLOWED',
        `The header alg is ${show(header.alg)}; only ${ACCEPTED_ALGS_TEXT} (Ed25519) is accepted.`,
      ),
    );
  }
  if (header.typ !== RECEIPT_TYPE) {
    reasons.push(
      reason('WRONG_TYPE', `The header typ is ${show(header.typ)}; a receipt has typ "${RECEIPT_TYPE}".`),
    );
  }
  const embedded = EMBEDDED_KEY_MEMBERS.filter((member) => member in header);
  if (embedded.length > 0) {
    reasons.push(
      reason(
        'UNKNOWN_KEY',
        `The header carries "${embedded.join('", "')}"; keys are taken only from the local key ring, by kid.`,
      ),
    );
  }
  const unsupported = Object.keys(header).filter(
    (member) => !HEADER_MEMBERS.includes(member) && !EMBEDDED_KEY_MEMBERS.includes(member),
  );
  if (unsupported.length > 0) {
    reasons.push(
      malformed(
        `has unsupported header parameter(s) ${show(unsupported)}; a receipt header has only alg, typ, kid`,
      ),
    );
  }
  const kid = header.kid;
  const key = typeof kid === 'string' ? keys.keyFor(kid) : undefined;
  if (!key) {
    reasons.push(
      reason(
        'UNKNOWN_KEY',
        kid === undefined
          ? `The header has no kid; keys are taken only from the receipt key ring, by kid (it holds ${knownKids(keys)}).`
          : `No key ${show(kid)} in the receipt key ring searched (it holds ${knownKids(keys)}): the receipt was signed by a key this verifier does not trust, e.g. another installation's. Add its public key to the ring, or get a receipt signed with a trusted key.`,
      ),
    );
  }
  if (reasons.length > 0 || !key) return { ok: false, reasons };
  return { ok: true, kid: kid as string, key };
}

function checkClaims(payload: Uint8Array, kid: string): SignatureCheck {
  const json = parseStrictJsonObject(payload);
  if (!json.ok) return rejected(reason(json.code, `The receipt payload ${json.problem}.`));
  const claims = receiptClaimsSchema.safeParse(json.value);
  if (!claims.success) {
    return rejected(reason('MALFORMED', firstIssueSentence(claims.error, 'receipt claims')));
  }
  return { ok: true, claims: claims.data, kid };
}

const rejected = (only: ReceiptReason): SignatureCheck => ({ ok: false, reasons: [only] });
const malformed = (problem: string): ReceiptReason => reason('MALFORMED', `The receipt ${problem}.`);
