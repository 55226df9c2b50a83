import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { marketops } from '../support/processes.js';
import { codesOf } from '../support/results.js';
import { tempDir } from '../support/temp-dirs.js';
import { openPr, tagRepo } from './fixtures.js';

const keyFile = () => join(keys, 'receipt-signing-key.jwk.json');
const jwksFile = () => join(keys, 'receipt-keys.jwks.json');
const issue = (...extra: string[]) =>
  marketops(['receipt', 'issue', '--key', keyFile(), '--request', requestFile, ...extra]);
const verify = (request: string, receipt: string, stdin = '', ...extra: string[]) =>
  marketops(
    ['receipt', 'verify', '--receipt', receipt, '--request', request, '--keys', jwksFile(), ...extra],
    { stdin },
  );

let dir: string;
let keys: string;
let requestFile: string;
let receiptFile: string;
beforeAll(async () => {
  dir = await tempDir('cli');
  keys = join(dir, 'keys');
  requestFile = join(dir, 'tag.json');
  receiptFile = join(dir, 'receipt.jws');
  await writeFile(requestFile, JSON.stringify(tagRepo));
});

describe('marketops keygen → receipt issue → receipt verify', () => {
  it('keygen writes a 0600 private JWK and a public JWKS, and never overwrites them', async () => {
    const run = await marketops(['keygen', '--out', keys, '--kid', 'cli-key', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toEqual({
      kid: 'cli-key',
      privateKeyFile: join(keys, 'receipt-signing-key.jwk.json'),
      publicKeysFile: join(keys, 'receipt-keys.jwks.json'),
    });
    expect((await stat(summary.privateKeyFile)).mode & 0o777).toBe(0o600);
    const privateJwk = JSON.parse(await readFile(summary.privateKeyFile, 'utf8'));
    expect(run.stdout).not.toContain(privateJwk.d);
    const jwks = JSON.parse(await readFile(summary.publicKeysFile, 'utf8'));
    expect(jwks.keys).toEqual([expect.not.objectContaining({ d: expect.anything() })]);

    const again = await marketops(['keygen', '--out', keys]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(JSON.parse(await readFile(summary.privateKeyFile, 'utf8'))).toEqual(privateJwk);
  });

  it('issue prints a token that verify accepts (exit 0), from a file and from stdin', async () => {
    const issued = await issue('--ttl', '15m');
    expect(issued.code, issued.stderr).toBe(0);
    expect(issued.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    await writeFile(receiptFile, issued.stdout);

    const fromFile = await verify(requestFile, receiptFile);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toEqual({
      accepted: true,
      receiptId: expect.any(String),
      reasons: [],
      signatures: [{ kid: 'cli-key', thumbprint: expect.any(String), valid: true, reasons: [] }],
      note: expect.stringContaining('cannot know whether this receipt was already used'),
    });

    const fromStdin = await verify(requestFile, '-', issued.stdout);
    expect(fromStdin.code).toBe(0);
  });

  it('verify exits 3 and lists the reasons when the receipt does not authorize the request', async () => {
    const otherRequest = join(dir, 'pr.json');
    await writeFile(otherRequest, JSON.stringify(openPr));
    const run = await verify(otherRequest, receiptFile, '', '--mode', 'dry-run');
    expect(run.code).toBe(3);
    const verdict = JSON.parse(run.stdout);
    expect(verdict.accepted).toBe(false);
    expect(codesOf(verdict)).toEqual(['MODE_NOT_PROD', 'OPERATION_KIND_MISMATCH', 'PARAMS_MISMATCH']);
  });

  it('an advisory receipt is issued but rejected as NOT_ENFORCEABLE; --json reports its id', async () => {
    const issued = await issue('--ttl', '60', '--advisory', '--json');
    expect(issued.code, issued.stderr).toBe(0);
    const summary = JSON.parse(issued.stdout);
    expect(summary).toMatchObject({
      kid: 'cli-key',
      receiptId: expect.any(String),
      opDigest: expect.any(String),
    });
    const run = await marketops(
      [
        'receipt',
        'verify',
        '--receipt',
        '-',
        '--request',
        requestFile,
        '--keys',
        join(keys, 'receipt-keys.jwks.json'),
      ],
      { stdin: summary.receipt },
    );
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout)).toMatchObject({
      receiptId: summary.receiptId,
      reasons: [{ code: 'NOT_ENFORCEABLE', message: expect.any(String) }],
    });
  });

  it.each([
    ['a missing option', ['receipt', 'verify', '--receipt', 'x']],
    ['a bad --ttl', ['receipt', 'issue', '--key', 'k', '--request', 'r', '--ttl', '1 week']],
    ['a TTL over 24 h', ['receipt', 'issue', '--key', 'KEY', '--request', 'REQ', '--ttl', '25h']],
    [
      'a missing receipt file',
      ['receipt', 'verify', '--receipt', 'missing.jws', '--request', 'REQ', '--keys', 'JWKS'],
    ],
    [
      'a private key as key ring',
      ['receipt', 'verify', '--receipt', 'RCPT', '--request', 'REQ', '--keys', 'KEY'],
    ],
  ])('exits 2 on a usage error: %s', async (_label, args) => {
    const paths: Record<string, string> = {
      KEY: keyFile(),
      JWKS: jwksFile(),
      REQ: requestFile,
      RCPT: receiptFile,
    };
    const run = await marketops(args.map((arg) => paths[arg] ?? arg));
    expect(run.code).toBe(2);
    expect(run.stderr).not.toBe('');
    expect(run.stdout).toBe('');
  });

  it('cosign adds a second approver to an issued receipt; verify reports both signatures', async () => {
    const second = join(dir, 'second');
    expect((await marketops(['keygen', '--out', second, '--kid', 'cli-second'])).code).toBe(0);
    const both = join(dir, 'both.jwks.json');
    const keysOf = async (file: string) => JSON.parse(await readFile(file, 'utf8')).keys;
    const secondJwks = join(second, 'receipt-keys.jwks.json');
    await writeFile(
      both,
      JSON.stringify({ keys: [...(await keysOf(jwksFile())), ...(await keysOf(secondJwks))] }),
    );
    const secondKey = join(second, 'receipt-signing-key.jwk.json');
    const cosign = (request: string, key: string) =>
      marketops(['receipt', 'cosign', '--receipt', receiptFile, '--request', request, '--key', key]);

    const cosigned = await cosign(requestFile, secondKey);
    expect(cosigned.code, cosigned.stderr).toBe(0);
    expect(JSON.parse(cosigned.stdout).signatures).toHaveLength(2);
    const run = await marketops(
      ['receipt', 'verify', '--receipt', '-', '--request', requestFile, '--keys', both],
      { stdin: cosigned.stdout },
    );
    expect(run.code, run.stdout).toBe(0);
    const kids = JSON.parse(run.stdout).signatures.map((s: { kid: string; valid: boolean }) => [
      s.kid,
      s.valid,
    ]);
    expect(kids).toEqual([
      ['cli-key', true],
      ['cli-second', true],
    ]);

    const again = await cosign(requestFile, keyFile());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already signed');
    const otherRequest = join(dir, 'pr-cosign.json');
    await writeFile(otherRequest, JSON.stringify(openPr));
    expect((await cosign(otherRequest, secondKey)).code).toBe(2);
  });

  it('--help shows examples', async () => {
    const run = await marketops(['receipt', 'issue', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
  });

  it('verify says, in its --help and with every verdict, that it is an offline check', async () => {
    const help = await marketops(['receipt', 'verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('offline');
    expect(help.stdout).toContain('cannot know whether the receipt was already used');
    const rejected = await verify(requestFile, '-', 'not-a-receipt');
    expect(rejected.code).toBe(3);
    expect(JSON.parse(rejected.stdout).note).toMatch(/^Offline check: .*already used.*ALREADY_CONSUMED/);
  });
});
