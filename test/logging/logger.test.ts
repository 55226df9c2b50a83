import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets, registerSecret } from '../../src/logging/logger.js';

const random = (bytes = 18) => randomBytes(bytes).toString('hex');

/** A real pino destination that keeps what was written. */
function capture() {
  const lines: string[] = [];
  return {
    lines,
    destination: { write: (line: string) => void lines.push(line) },
    text: () => lines.join(''),
  };
}

function jsonLogger() {
  const out = capture();
  return { out, logger: createLogger({ pretty: false, destination: out.destination, level: 'trace' }) };
}

// Generated per run, so no key material sits in the repository.
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
  .trimEnd();
const [, PEM_FIRST_LINE = '', PEM_SECOND_LINE = ''] = PEM.split('\n');

describe('secret redaction in logs', () => {
  it('never writes a GitHub token, wherever it is logged', () => {
    const canary = `ghp_${random()}`;
    const { out, logger } = jsonLogger();
    logger.info(`pushing with ${canary}`);
    logger.info('printf style %s', canary);
    logger.info({ a: { b: { c: { e: { f: { g: `deep ${canary}` } } } } }, list: [canary] }, 'nested');
    logger.error({ err: new Error(`GitHub said no to ${canary}`) }, 'err key');
    logger.error(new Error(`thrown with ${canary}`));
    logger.warn({ error: new Error(`temporal style ${canary}`) }, 'error key');
    logger.info({ req: { headers: { Authorization: `token ${canary}` } } }, 'header object');
    logger.info(`request failed: {"authorization":"token ${canary}"}`);

    expect(out.lines).toHaveLength(8);
    expect(out.text()).not.toContain(canary);
    expect(out.text()).not.toContain(canary.slice(4));
    // Redaction removes the secret, not the story around it.
    expect(out.text()).toContain('pushing with [REDACTED]');
    expect(out.text()).toContain('GitHub said no to [REDACTED]');
    expect(out.text()).toContain('thrown with [REDACTED]');
    expect(out.text()).toContain('temporal style [REDACTED]');
  });

  it.each(['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_11ABCDEFG_'])(
    'scrubs tokens with the %s prefix',
    (prefix) => {
      const canary = `${prefix}${random()}`;
      const { out, logger } = jsonLogger();
      logger.info({ detail: `x-${canary}-y` }, canary);
      expect(out.text()).not.toContain(canary);
      expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({ msg: '[REDACTED]', detail: 'x-[REDACTED]-y' });
    },
  );

  it('censors secret keys whatever their values look like', () => {
    const value = `opaque-${random()}`;
    const { out, logger } = jsonLogger();
    logger.info({
      password: value,
      config: { apiKey: value, github: { privateKey: value, app: { private_key: value } } },
      headers: { authorization: value, Authorization: value },
      env: { GITHUB_TOKEN: value },
      jwk: { kty: 'OKP', crv: 'Ed25519', x: 'public-part', d: value },
    });
    expect(out.text()).not.toContain(value);
    const line = JSON.parse(out.lines[0] ?? '');
    expect(line.jwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: 'public-part', d: '[REDACTED]' });
    expect(line.config.github.app.private_key).toBe('[REDACTED]');
  });

  it('scrubs PEM private keys and serialized JWK private members from strings', () => {
    const d = random(32);
    const { out, logger } = jsonLogger();
    logger.info(`loaded key ${PEM}`);
    logger.info({ raw: JSON.stringify({ kty: 'OKP', d, x: 'pub' }) }, 'jwk text');
    logger.info(`truncated ${PEM.slice(0, 80)}`);
    expect(out.text()).not.toContain(PEM_FIRST_LINE.slice(0, 32));
    expect(out.text()).not.toContain(PEM_SECOND_LINE);
    expect(out.text()).not.toContain(d);
    expect(JSON.parse(out.lines[0] ?? '').msg).toBe('loaded key [REDACTED] PRIVATE KEY');
  });

  it('scrubs registered secrets that look like nothing in particular', () => {
    const apiKey = `plain-${random(8)}"with\\odd chars`;
    registerSecret(apiKey);
    const { out, logger } = jsonLogger();
    logger.info({ nested: { note: `key is ${apiKey}` } }, `calling with ${apiKey}`);
    expect(out.text()).not.toContain(apiKey);
    expect(out.text()).not.toContain(JSON.stringify(apiKey).slice(1, -1));
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({
      msg: 'calling with [REDACTED]',
      nested: { note: 'key is [REDACTED]' },
    });
  });

  it('redactSecrets serves plain text and leaves ordinary prose alone', () => {
    const canary = `ghs_${random()}`;
    expect(redactSecrets(`Authorization: Bearer ${canary}`)).toBe('Authorization: [REDACTED]');
    expect(redactSecrets(`curl -H "Authorization: token ${canary}"`)).toBe(
      'curl -H "Authorization: [REDACTED]"',
    );
    expect(redactSecrets(`sent Bearer abc.def-ghi`)).toBe('sent Bearer [REDACTED]');
    expect(redactSecrets('audit store postgres://marketops:hunter2@postgresql:5432/marketops down')).toBe(
      'audit store postgres://marketops:[REDACTED]@postgresql:5432/marketops down',
    );
    const prose = 'The receipt token expired; the private key file is missing (d: 3).';
    expect(redactSecrets(prose)).toBe(prose);
  });
});

describe('output format', () => {
  it('writes one JSON object per line when not pretty', () => {
    const { out, logger } = jsonLogger();
    logger.info({ runId: 'run-1' }, 'started');
    expect(out.lines[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({ level: 30, runId: 'run-1', msg: 'started' });
  });

  it('writes human-readable lines when pretty, still redacted', () => {
    const canary = `gho_${random()}`;
    const out = capture();
    const logger = createLogger({ pretty: true, destination: out.destination });
    logger.info({ runId: 'run-2' }, `started with ${canary}`);
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toContain('INFO');
    expect(text).toContain('started with [REDACTED]');
    expect(text).toContain('runId: "run-2"');
    expect(text).not.toContain(canary);
  });

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger({ pretty: false, destination: out.destination, level: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines.map((line) => JSON.parse(line).msg)).toEqual(['shown']);
  });
});
