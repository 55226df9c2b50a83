import { sign } from 'node:crypto';
import { CompactSign, type JWK } from 'jose';
import { pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { PublishReleaseRequest } from '../../src/operations/publish-release/request.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import {
  DEFAULT_AUDIENCE,
  generateSigningKey,
  issueReceipt,
  type KeyRing,
  loadKeyRing,
  loadSigningKey,
  opDigest,
  RECEIPT_TYPE,
  type ReceiptClaims,
} from '../../src/receipts/index.js';
import type { ReceiptVerifyOptions } from '../../src/receipts/verify.js';

/** 2025-01-01T00:00:00Z: every test pins its clock. */
export const T0 = new Date('2025-01-01T00:00:00Z');
export const T0_SECONDS = T0.getTime() / 1000;
export const at = (secondsFromT0: number): Date => new Date((T0_SECONDS + secondsFromT0) * 1000);

const RUN_ID = 'run-2025-001';
/** A body with a tab and a CRLF, so the canonical form is exercised on more than plain ASCII. */
export const publishRelease = {
  ...releaseRequest(RUN_ID, 'v1.2.0'),
  body: '## Changes\n\n- Faster widgets\n\t- and smaller\r\n',
};
export const tagRepo = tagRequest(RUN_ID, 'v1.2.0', 'Release 1.2.0');
export const openPr = { ...pullRequest(RUN_ID, 'Release 1.2.0'), draft: true };

export const requests: OperationRequest[] = [publishRelease, tagRepo, openPr];

export interface Issuer {
  privateJwk: JWK;
  publicJwks: { keys: JWK[] };
  ring: KeyRing;
  kid: string;
}

export async function makeIssuer(kid?: string): Promise<Issuer> {
  const { privateJwk, publicJwks } = await generateSigningKey(kid);
  return { privateJwk, publicJwks, ring: loadKeyRing(publicJwks), kid: String(privateJwk.kid) };
}

/** A genuine receipt issued at T0 with a 1 h lifetime unless overridden. */
export function issueAtT0(
  issuer: Issuer,
  request: OperationRequest,
  options: Partial<Parameters<typeof issueReceipt>[2]> = {},
): Promise<string> {
  return issueReceipt(issuer.privateJwk, request, {
    ttlSeconds: 3600,
    audience: DEFAULT_AUDIENCE,
    now: T0,
    receiptId: 'rcpt-0001',
    ...options,
  });
}

export function prodOptions(ring: KeyRing, now: Date = at(10)): ReceiptVerifyOptions {
  return { keys: ring, now, mode: 'prod', audience: DEFAULT_AUDIENCE };
}

export function claimsFor(
  request: OperationRequest,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    jti: 'rcpt-0001',
    iss: 'federation-core',
    aud: DEFAULT_AUDIENCE,
    sub: request.run_id,
    run_id: request.run_id,
    operation_kind: request.operation_kind,
    enforceable: true,
    iat: T0_SECONDS,
    nbf: T0_SECONDS,
    exp: T0_SECONDS + 3600,
    op_digest: opDigest(request),
    ...overrides,
  } satisfies Partial<ReceiptClaims>;
}

/** Signs arbitrary claims and header members with the issuer's key: for tokens issueReceipt refuses to make. */
export function signRaw(
  issuer: Issuer,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const { key } = loadSigningKey(issuer.privateJwk);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'EdDSA', typ: RECEIPT_TYPE, kid: issuer.kid, ...header })
    .sign(key);
}

/**
 * Signs exact header and claims text with node:crypto, as an issuer in another language would:
 * for JSON that no JavaScript object serializes to (repeated names, 5.0, a BOM).
 */
export function signText(issuer: Issuer, claimsText: string, headerText?: string): string {
  const header = headerText ?? JSON.stringify({ alg: 'EdDSA', typ: RECEIPT_TYPE, kid: issuer.kid });
  const input = `${b64(header)}.${b64(claimsText)}`;
  const signature = sign(null, Buffer.from(input), loadSigningKey(issuer.privateJwk).key);
  return `${input}.${signature.toString('base64url')}`;
}

export const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** The worked examples' key: RFC 8037 appendix A.1, public knowledge, so the example is reproducible anywhere. */
export const rfc8037Key = {
  kty: 'OKP',
  crv: 'Ed25519',
  kid: 'rfc8037-example',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
};
export const workedExampleRequest: PublishReleaseRequest = {
  operation_kind: 'publish_release',
  run_id: 'run-2025-06-01-a',
  repository: 'acme/widgets',
  tag_name: 'v1.2.0',
  name: 'Widgets 1.2.0',
  body: 'Faster widgets.\n\n- smaller ✓',
  target_commitish: 'main',
  draft: false,
  prerelease: false,
};
