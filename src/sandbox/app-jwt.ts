import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { z } from 'zod';
import type { AppConfig } from './config.js';
import { docs, GitHubError } from './github-errors.js';

/** GitHub refuses an App JWT that lives longer than ten minutes. */
const MAX_LIFETIME_S = 600;
/** Clock drift GitHub tolerates on `iat`; its docs advise issuing it 60 seconds in the past. */
const IAT_DRIFT_S = 60;

/*
 * GitHub's own messages. @octokit/auth-app recognises the `exp` and `iat` ones as clock skew and
 * retries with the difference to the response's Date header, which is how a client follows
 * the sandbox clock when a test advances it.
 */
const UNDECODABLE = 'A JSON web token could not be decoded';
const BAD_EXP =
  "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.";
const FAR_EXP = "'Expiration time' claim ('exp') is too far in the future.";
const BAD_IAT =
  "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.";

export const jwtUndecodable = (): GitHubError => new GitHubError(401, UNDECODABLE, docs.root);

/** Three base64url segments: what a JWT looks like, as opposed to a token. */
export const looksLikeJwt = (credential: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(credential);

const headerSchema = z.object({ alg: z.literal('RS256') });
const claimsSchema = z.object({
  iss: z.union([z.number(), z.string()]),
  iat: z.unknown(),
  exp: z.unknown(),
});

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const keys = new WeakMap<AppConfig, KeyObject>();
const keyOf = (app: AppConfig): KeyObject => {
  const key = keys.get(app) ?? createPublicKey(app.publicKey);
  keys.set(app, key);
  return key;
};

/** The timing rules GitHub applies to `iat` and `exp`, in epoch seconds; undefined when they hold. */
export function jwtTimingError(iat: unknown, exp: unknown, nowS: number): string | undefined {
  if (typeof exp !== 'number' || !Number.isInteger(exp) || exp <= nowS) return BAD_EXP;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > nowS + IAT_DRIFT_S) return BAD_IAT;
  if (exp > nowS + MAX_LIFETIME_S || exp - iat > MAX_LIFETIME_S) return FAR_EXP;
  return undefined;
}

/**
 * The App an App JWT authenticates (RS256, signed with the App's key, `iss` its id), or the
 * 401 GitHub answers. Times are judged on the sandbox clock.
 */
export function verifyAppJwt(
  jwt: string,
  apps: readonly AppConfig[],
  nowMs: number,
): AppConfig | GitHubError {
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  const alg = headerSchema.safeParse(decodeSegment(header));
  const claims = claimsSchema.safeParse(decodeSegment(payload));
  if (!alg.success || !claims.success) return jwtUndecodable();
  const app = apps.find((candidate) => String(candidate.id) === String(claims.data.iss));
  const signed = Buffer.from(`${header}.${payload}`);
  if (!app || !verify('sha256', signed, keyOf(app), Buffer.from(signature, 'base64url'))) {
    return jwtUndecodable();
  }
  const timing = jwtTimingError(claims.data.iat, claims.data.exp, Math.floor(nowMs / 1000));
  return timing === undefined ? app : new GitHubError(401, timing, docs.root);
}
