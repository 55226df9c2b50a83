import type { KeyObject } from 'node:crypto';
import { flattenedVerify } from 'jose';
import { firstIssueSentence } from '../common/zod-sentence.js';
import {
  ACCEPTED_ALGS,
  ACCEPTED_ALGS_TEXT,
  RECEIPT_TYPE,
  type ReceiptClaims,
  receiptClaimsSchema,
} from './claims.js';
import {
  decodeProtectedHeader,
  type ReceiptParts,
  type SignatureParts,
  splitReceipt,
} from './compact-jws.js';
import type { KeyRing } from './key-ring.js';
import { type ReceiptReason, reason } from './reasons.js';
import { show } from './show.js';
import { parseStrictJsonObject } from './strict-json.js';

/** Every kid in full: thumbprints are long, and the one that differs must be readable. */
const knownKids = (keys: KeyRing) => keys.kids.map((kid) => JSON.stringify(kid)).join(', ');

/**
 * One signature of a receipt: which key it names, that key's RFC 7638 thumbprint when the ring holds it,
 * and whether it verifies over the receipt's payload (else why not). A policy counts only valid ones.
 */
export interface SignatureResult {
  kid: string | null;
  thumbprint: string | null;
  valid: boolean;
  reasons: ReceiptReason[];
}

export type SignatureCheck =
  | { ok: true; claims: ReceiptClaims; kid: string; signatures: SignatureResult[] }
  | { ok: false; reasons: ReceiptReason[]; signatures: SignatureResult[] };

/** Header members that point at or embed a key: keys come only from the local ring, so any of these is refused. */
const EMBEDDED_KEY_MEMBERS = ['jwk', 'jku', 'x5u', 'x5c', 'x5t', 'x5t#S256'];
const HEADER_MEMBERS = ['alg', 'typ', 'kid'];

/**
 * Verifies structure, every signature's protected header and signature, and the claims' shape, nothing
 * else. The receipt holds if at least one signature is valid; which ones are is in `signatures`, for the
 * policy to count. The client calls it before it records a receipt_id, so a forged receipt can never
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
  const split = splitReceipt(token);
  if (!split.ok) return rejected(reason(split.code, `The receipt ${split.problem}.`));
  const { parts } = split;
  const signatures = await Promise.all(
    parts.signatures.map((signature, index) =>
      checkSignature(parts.payload, signature, keys, signatureLabel(parts, index)),
    ),
  );
  const firstValid = signatures.find((signature) => signature.valid);
  if (!firstValid) return { ok: false, reasons: signatures.flatMap((s) => s.reasons), signatures };
  const claims = checkClaims(Buffer.from(parts.payload, 'base64url'));
  if (!claims.ok) return { ...claims, signatures };
  return { ok: true, claims: claims.claims, kid: firstValid.kid as string, signatures };
}

/** How messages name a signature: as in a one-signature receipt, or by its place among several. */
interface Label {
  /** Completes "… header is not UTF-8 JSON" and "… has unsupported header parameter(s)". */
  receipt: string;
  header: string;
  signature: string;
}

function signatureLabel(parts: ReceiptParts, index: number): Label {
  if (parts.form === 'compact') {
    return { receipt: 'The receipt', header: 'The header', signature: 'The receipt signature' };
  }
  const which = `Signature ${index + 1} of ${parts.signatures.length}`;
  return {
    receipt: `${which} of the receipt`,
    header: `The header of ${which.toLowerCase()}`,
    signature: which,
  };
}

async function checkSignature(
  payload: string,
  parts: SignatureParts,
  keys: KeyRing,
  label: Label,
): Promise<SignatureResult> {
  const decoded = decodeProtectedHeader(parts.protected);
  if (!decoded.ok) return invalid(null, null, [reason(decoded.code, `${label.receipt} ${decoded.problem}.`)]);
  const claimedKid = typeof decoded.header.kid === 'string' ? decoded.header.kid : null;
  const header = checkHeader(decoded.header, keys, label);
  const thumbprint = (claimedKid !== null && (await keys.thumbprintFor(claimedKid))) || null;
  if (!header.ok) return invalid(claimedKid, thumbprint, header.reasons);
  try {
    await flattenedVerify({ ...parts, payload }, header.key, { algorithms: [...ACCEPTED_ALGS] });
    return { kid: header.kid, thumbprint, valid: true, reasons: [] };
  } catch {
    const message = `${label.signature} does not verify with key "${header.kid}" from the key ring.`;
    return invalid(header.kid, thumbprint, [reason('BAD_SIGNATURE', message)]);
  }
}

const invalid = (
  kid: string | null,
  thumbprint: string | null,
  reasons: ReceiptReason[],
): SignatureResult => ({
  kid,
  thumbprint,
  valid: false,
  reasons,
});

type HeaderCheck = { ok: true; kid: string; key: KeyObject } | { ok: false; reasons: ReceiptReason[] };

/** Every header rule is evaluated so the rejection lists all of them. */
function checkHeader(header: Record<string, unknown>, keys: KeyRing, label: Label): HeaderCheck {
  const reasons: ReceiptReason[] = [];
  if (!ACCEPTED_ALGS.some((alg) => alg === header.alg)) {
    reasons.push(
      reason(
        'ALG_NOT_ALLOWED',
        `${label.header} alg is ${show(header.alg)}; only ${ACCEPTED_ALGS_TEXT} (Ed25519) is accepted.`,
      ),
    );
  }
  if (header.typ !== RECEIPT_TYPE) {
    reasons.push(
      reason(
        'WRONG_TYPE',
        `${label.header} typ is ${show(header.typ)}; a receipt has typ "${RECEIPT_TYPE}".`,
      ),
    );
  }
  const embedded = EMBEDDED_KEY_MEMBERS.filter((member) => member in header);
  if (embedded.length > 0) {
    reasons.push(
      reason(
        'UNKNOWN_KEY',
        `${label.header} carries "${embedded.join('", "')}"; keys are taken only from the local key ring, by kid.`,
      ),
    );
  }
  const unsupported = Object.keys(header).filter(
    (member) => !HEADER_MEMBERS.includes(member) && !EMBEDDED_KEY_MEMBERS.includes(member),
  );
  if (unsupported.length > 0) {
    reasons.push(
      reason(
        'MALFORMED',
        `${label.receipt} has unsupported header parameter(s) ${show(unsupported)}; a receipt header has only alg, typ, kid.`,
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
          ? `${label.header} has no kid; keys are taken only from the receipt key ring, by kid (it holds ${knownKids(keys)}).`
          : `No key ${show(kid)} in the receipt key ring searched (it holds ${knownKids(keys)}): ${label.receipt.toLowerCase()} was signed by a key this verifier does not trust, e.g. another installation's. Add its public key to the ring, or get a receipt signed with a trusted key.`,
      ),
    );
  }
  if (reasons.length > 0 || !key) return { ok: false, reasons };
  return { ok: true, kid: kid as string, key };
}

type ClaimsCheck = { ok: true; claims: ReceiptClaims } | { ok: false; reasons: ReceiptReason[] };

function checkClaims(payload: Uint8Array): ClaimsCheck {
  const json = parseStrictJsonObject(payload);
  if (!json.ok) return { ok: false, reasons: [reason(json.code, `The receipt payload ${json.problem}.`)] };
  const claims = receiptClaimsSchema.safeParse(json.value);
  if (!claims.success) {
    return { ok: false, reasons: [reason('MALFORMED', firstIssueSentence(claims.error, 'receipt claims'))] };
  }
  return { ok: true, claims: claims.data };
}

const rejected = (only: ReceiptReason): SignatureCheck => ({ ok: false, reasons: [only], signatures: [] });
const malformed = (problem: string): ReceiptReason => reason('MALFORMED', `The receipt ${problem}.`);
