/**
 * Secret redaction by rule. Two layers, because neither alone is enough:
 * - `secretKeyPaths` tell pino to censor the values of keys that hold secrets, whatever they look like;
 * - `redactSecrets` scrubs values that look like secrets (or were registered as ours) out of any text,
 *   wherever they hide: messages, error messages and stacks, nested strings, forwarded Temporal logs.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets by definition. `d`, `p`, `q`, `dp`, `dq`, `qi` and `k` are JWK private members. */
const SECRET_KEYS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authorization',
  'Authorization',
  'cookie',
  'password',
  'passphrase',
  'secret',
  'clientSecret',
  'client_secret',
  'webhookSecret',
  'privateKey',
  'private_key',
  'apiKey',
  'api_key',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'MARKETOPS_API_KEY',
  'd',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'k',
] as const;

/** How deep below the log object's root a secret key is still censored by path (pino paths have no `**`). */
const KEY_DEPTH = 4;

export const secretKeyPaths: string[] = SECRET_KEYS.flatMap((key) =>
  Array.from({ length: KEY_DEPTH }, (_, depth) => [...Array<string>(depth).fill('*'), key].join('.')),
);

/** Value rules: each pattern is replaced wherever it occurs, including inside JSON-escaped text. */
const VALUE_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // PEM private keys; a block cut off before its END line is still scrubbed to the end of the key material.
  [
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----|[A-Za-z0-9+/=\s\\]*)/g,
    `${REDACTED} PRIVATE KEY`,
  ],
  // GitHub tokens: classic, OAuth, user-to-server, installation, refresh, fine-grained.
  [/(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})/g, REDACTED],
  // An Authorization value in any notation: `Authorization: token x`, `"authorization":"Bearer x"`, `authorization=x`.
  [/(authorization\\?["']?\s*[:=]\s*\\?["']?)(?:(?:bearer|token|basic)\s+)?[^\s"',;}\\]+/gi, `$1${REDACTED}`],
  [/\b(bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, `$1${REDACTED}`],
  // Passwords in connection URLs, e.g. the audit store's postgres://user:password@host/db.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]+:)[^\s@/"'\\]+@/gi, `$1${REDACTED}@`],
  // JWK private members inside serialized JSON (also JSON-in-JSON, hence the optional backslashes).
  [/(\\?"(?:d|p|q|dp|dq|qi|k)\\?"\s*:\s*\\?")[A-Za-z0-9_-]{16,}/g, `$1${REDACTED}`],
];

/** Registered secrets, longest first so a secret that contains another one is removed whole. */
let registeredSecrets: string[] = [];

/**
 * Scrub this exact value from everything logged from now on, e.g. the configured GitHub token or API key,
 * which need not look like a GitHub token. Its JSON-escaped form is scrubbed too.
 */
export function registerSecret(value: string): void {
  if (value.trim() === '') return;
  const forms = [value, JSON.stringify(value).slice(1, -1)];
  registeredSecrets = [...new Set([...registeredSecrets, ...forms])].sort((a, b) => b.length - a.length);
}

/** Returns `text` with every secret-looking value and every registered secret replaced by `[REDACTED]`. */
export function redactSecrets(text: string): string {
  let scrubbed = text;
  for (const secret of registeredSecrets) scrubbed = scrubbed.replaceAll(secret, REDACTED);
  for (const [pattern, replacement] of VALUE_RULES) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}
