import { ID_PATTERN } from '../common/text-fields.js';
import { type JsonProblem, parseStrictJsonObject } from './strict-json.js';

/**
 * Far above any genuine receipt (a few hundred bytes per signature, at most MAX_SIGNATURES of them),
 * low enough to bound the work on hostile input.
 */
export const MAX_TOKEN_LENGTH = 16_384;
/** A receipt in the general serialization carries at most this many approvals. */
export const MAX_SIGNATURES = 16;

/** Empty segments pass here so `alg: none` (empty signature) is reported as ALG_NOT_ALLOWED. */
const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** One signature over the payload, as base64url text: what RFC 7515 §5.2 verifies. */
export interface SignatureParts {
  protected: string;
  signature: string;
}

/**
 * A receipt in either serialization: the compact form is the one-signature case of the general one
 * (docs/receipt-format.md, "Several approvals").
 */
export interface ReceiptParts {
  form: 'compact' | 'general';
  payload: string;
  signatures: SignatureParts[];
}

export type SplitReceipt = { ok: true; parts: ReceiptParts } | JsonProblem;

/**
 * Splits a receipt string into its payload and signatures, unverified: a compact JWS
 * (`header.payload.signature`) or the JWS JSON general serialization (RFC 7515 §7.2.1) as JSON text.
 * Every segment must be canonical base64url: lenient decoders map several spellings of
 * the last character to the same bytes, which would let an altered token verify.
 */
export function splitReceipt(token: string): SplitReceipt {
  if (token.length > MAX_TOKEN_LENGTH) return malformed(`is longer than ${MAX_TOKEN_LENGTH} characters`);
  const split = token.trimStart().startsWith('{') ? splitGeneral(token) : splitCompact(token);
  if (!split.ok) return split;
  const segments = [
    split.parts.payload,
    ...split.parts.signatures.flatMap((s) => [s.protected, s.signature]),
  ];
  if (!segments.every(isCanonicalBase64url)) {
    return malformed('must consist of canonical unpadded base64url segments');
  }
  return split;
}

function splitCompact(token: string): SplitReceipt {
  const segments = token.split('.');
  if (segments.length !== 3) return malformed('must have exactly three dot-separated segments');
  const [header, payload, signature] = segments as [string, string, string];
  return { ok: true, parts: { form: 'compact', payload, signatures: [{ protected: header, signature }] } };
}

/**
 * Only members that every signature protects: no unprotected `header` (its kid could be swapped
 * without breaking a signature), no flattened form (one signature is the compact form).
 */
function splitGeneral(token: string): SplitReceipt {
  const json = parseStrictJsonObject(new TextEncoder().encode(token));
  if (!json.ok) return json;
  const { payload, signatures, ...extra } = json.value;
  if (Object.keys(extra).length > 0 || typeof payload !== 'string' || !Array.isArray(signatures)) {
    return malformed('in the JSON serialization must be exactly {"payload": "…", "signatures": […]}');
  }
  if (signatures.length < 1 || signatures.length > MAX_SIGNATURES) {
    return malformed(`must carry from 1 to ${MAX_SIGNATURES} signatures, not ${signatures.length}`);
  }
  const parts: SignatureParts[] = [];
  for (const entry of signatures) {
    const { protected: header, signature, ...others } = (entry ?? {}) as Record<string, unknown>;
    if (typeof header !== 'string' || typeof signature !== 'string' || Object.keys(others).length > 0) {
      return malformed('has a signature that is not exactly {"protected": "…", "signature": "…"}');
    }
    parts.push({ protected: header, signature });
  }
  return { ok: true, parts: { form: 'general', payload, signatures: parts } };
}

/** The general serialization as this executor writes it: members in this order, no whitespace. */
export function serializeGeneral(payload: string, signatures: SignatureParts[]): string {
  return JSON.stringify({
    payload,
    signatures: signatures.map((s) => ({ protected: s.protected, signature: s.signature })),
  });
}

export type DecodedHeader = { ok: true; header: Record<string, unknown> } | JsonProblem;

/** One signature's protected header, decoded (unverified). */
export function decodeProtectedHeader(encoded: string): DecodedHeader {
  const header = parseStrictJsonObject(Buffer.from(encoded, 'base64url'));
  if (!header.ok) return { ok: false, code: header.code, problem: `header ${header.problem}` };
  return { ok: true, header: header.value };
}

export function isCanonicalBase64url(segment: string): boolean {
  return SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

const malformed = (problem: string): JsonProblem => ({ ok: false, code: 'MALFORMED', problem });

/**
 * The receipt id (jti) a token claims, read without verifying anything: for records of refusals, which
 * say it is only a claim. Null unless the token is a JWS (either form) whose payload holds a well-formed id.
 */
export function claimedReceiptId(token: unknown): string | null {
  if (typeof token !== 'string') return null;
  const split = splitReceipt(token);
  if (!split.ok) return null;
  const payload = parseStrictJsonObject(Buffer.from(split.parts.payload, 'base64url'));
  const jti = payload.ok ? payload.value.jti : undefined;
  return typeof jti === 'string' && ID_PATTERN.test(jti) ? jti : null;
}

/**
 * Approvals of one operation as they arrive: the signatures of `incoming` added to those of `held`, both
 * over the very same payload (the same claims, so the same receipt_id). A signature already held, or a
 * second one under a kid already held, is kept once. Unverified: the caller verifies the result.
 */
export type MergeProblem = JsonProblem | { ok: false; code: 'PARAMS_MISMATCH'; problem: string };

export function mergeReceipts(held: string, incoming: string): { ok: true; receipt: string } | MergeProblem {
  const [mine, theirs] = [splitReceipt(held), splitReceipt(incoming)];
  if (!mine.ok) return mine;
  if (!theirs.ok) return theirs;
  if (mine.parts.payload !== theirs.parts.payload) {
    return {
      ok: false,
      code: 'PARAMS_MISMATCH',
      problem: 'signs other claims than the approvals already collected; co-sign that receipt instead',
    };
  }
  const signatures = [...mine.parts.signatures];
  const kids = new Set(signatures.map((signature) => signerOf(signature.protected)));
  for (const signature of theirs.parts.signatures) {
    const kid = signerOf(signature.protected);
    if (kids.has(kid)) continue;
    kids.add(kid);
    signatures.push(signature);
  }
  if (signatures.length === mine.parts.signatures.length) return { ok: true, receipt: held };
  if (signatures.length > MAX_SIGNATURES) {
    return malformed(`would carry more than ${MAX_SIGNATURES} approvals; no more can be added to this step`);
  }
  return { ok: true, receipt: serializeGeneral(mine.parts.payload, signatures) };
}

/**
 * The receipt with only the signatures of `kids` (those that verified), so a forged signature held under
 * an approver's kid never takes the place of that approver's genuine one arriving later.
 */
export function keepSignatures(token: string, kids: ReadonlySet<string>): string {
  const split = splitReceipt(token);
  if (!split.ok) return token;
  const kept = split.parts.signatures.filter((signature) => {
    const kid = headerKid(signature.protected);
    return typeof kid === 'string' && kids.has(kid);
  });
  return serializeGeneral(split.parts.payload, kept);
}

/** The kid a protected header names, unverified (undefined when none). */
export function headerKid(encoded: string): unknown {
  const decoded = decodeProtectedHeader(encoded);
  return decoded.ok ? decoded.header.kid : undefined;
}

/** Who signed, for telling signatures apart: the kid, or the header's text when it names none. */
function signerOf(encoded: string): string {
  const kid = headerKid(encoded);
  return typeof kid === 'string' ? `kid:${kid}` : `header:${encoded}`;
}
