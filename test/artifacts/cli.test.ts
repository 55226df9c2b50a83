import { createHash } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';
import { freshS3Location, s3TestEnv } from './s3-server.js';

/** `marketops artifact add` and `artifact verify`, run as a user runs them. */
let dir: string;
let store: string;
let env: NodeJS.ProcessEnv;

const sha256Of = (bytes: string): string => createHash('sha256').update(bytes).digest('hex');
const CONTENT = {
  'app-linux-amd64.tar.gz': 'not really a tarball',
  'notes.txt': 'release notes\n',
  'app.sbom': 'sbom',
};

beforeAll(async () => {
  dir = await tempDir('artifact-cli');
  store = join(dir, 'store');
  env = { ...process.env, MARKETOPS_ARTIFACT_STORE: store };
  for (const [name, content] of Object.entries(CONTENT)) await writeFile(join(dir, name), content);
});

const file = (name: string): string => join(dir, name);

describe('marketops artifact add', () => {
  it('stores each file under its sha256 and prints the assets entries', async () => {
    const run = await marketops(['artifact', 'add', ...Object.keys(CONTENT).map(file), '--json'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      store,
      assets: [
        {
          name: 'app-linux-amd64.tar.gz',
          size: 20,
          sha256: sha256Of(CONTENT['app-linux-amd64.tar.gz']),
          content_type: 'application/gzip',
        },
        { name: 'notes.txt', size: 14, sha256: sha256Of(CONTENT['notes.txt']), content_type: 'text/plain' },
        { name: 'app.sbom', size: 4, sha256: sha256Of('sbom'), content_type: 'application/octet-stream' },
      ],
    });
    expect(await readFile(join(store, 'sha256', sha256Of('sbom')), 'utf8')).toBe('sbom');
  });

  it('takes a name, a label and a content type for one file, and prints pasteable JSON by default', async () => {
    const run = await marketops(
      [
        'artifact',
        'add',
        file('app.sbom'),
        '--name',
        'app.spdx.json',
        '--label',
        'SBOM',
        '--content-type',
        'application/spdx+json',
      ],
      { env },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Stored 1 file in ${store}. The request's or plan's assets:\n`);
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('[')))).toEqual([
      {
        name: 'app.spdx.json',
        size: 4,
        sha256: sha256Of('sbom'),
        content_type: 'application/spdx+json',
        label: 'SBOM',
      },
    ]);
  });

  it('refuses --name with several files, and a missing file before storing any', async () => {
    const named = await marketops(['artifact', 'add', file('notes.txt'), file('app.sbom'), '--name', 'x'], {
      env,
    });
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(
      'marketops: --name and --label name one file; give one file with them, or drop them.\n',
    );

    const fresh = { ...env, MARKETOPS_ARTIFACT_STORE: join(dir, 'untouched') };
    const missing = await marketops(['artifact', 'add', file('notes.txt'), file('nope.zip')], { env: fresh });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`marketops: Cannot read ${file('nope.zip')} (ENOENT); check the path.\n`);
    expect(
      (await marketops(['artifact', 'verify', sha256Of(CONTENT['notes.txt'])], { env: fresh })).code,
    ).toBe(1);
  });

  it('names the variable to fix when the store location is wrong', async () => {
    const run = await marketops(['artifact', 'add', file('notes.txt')], {
      env: { ...env, MARKETOPS_ARTIFACT_STORE: 'ftp://files.example/artifacts' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'marketops: Environment variable MARKETOPS_ARTIFACT_STORE must be a folder path or an s3://BUCKET/PREFIX URL; fix or unset it.\n',
    );
  });
});

describe('marketops artifact verify', () => {
  it('re-hashes a stored artifact: intact, changed on disk, missing', async () => {
    const sha256 = sha256Of(CONTENT['notes.txt']);
    await marketops(['artifact', 'add', file('notes.txt')], { env });
    const intact = await marketops(['artifact', 'verify', sha256], { env });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toBe(`Artifact ${sha256} is intact: 14 bytes in ${store}.\n`);

    const path = join(store, 'sha256', sha256);
    await chmod(path, 0o644);
    await writeFile(path, 'release notez\n');
    const changed = await marketops(['artifact', 'verify', sha256], { env });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toBe(
      `marketops: The bytes of artifact sha256:${sha256} do not match: expected 14 bytes with sha256 ${sha256}, read 14 bytes with sha256 ${sha256Of('release notez\n')}; store the authorized file again with \`marketops artifact add\`.\n`,
    );

    const missing = await marketops(['artifact', 'verify', 'f'.repeat(64)], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `marketops: Artifact ${'f'.repeat(64)} is not in ${store}; store it with marketops artifact add.\n`,
    );
  });
});

describe('the shared store through the CLI (SeaweedFS, credentials from the standard AWS variables)', () => {
  it('stores and verifies in the bucket; a wrong secret fails without showing it', async () => {
    const location = await freshS3Location();
    const url = `s3://${location.bucket}/${location.prefix}?endpoint=${location.endpoint}`;
    const s3env = { ...process.env, ...s3TestEnv, MARKETOPS_ARTIFACT_STORE: url };
    const added = await marketops(['artifact', 'add', file('notes.txt'), '--json'], { env: s3env });
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout).assets[0].sha256).toBe(sha256Of(CONTENT['notes.txt']));
    const verified = await marketops(['artifact', 'verify', sha256Of(CONTENT['notes.txt'])], { env: s3env });
    expect(verified.stdout).toMatch(/^Artifact [0-9a-f]{64} is intact: 14 bytes in s3:\/\/marketops-test\//);

    const secret = 'a-wrong-secret-that-must-not-show';
    const refused = await marketops(['artifact', 'add', file('notes.txt')], {
      env: { ...s3env, AWS_SECRET_ACCESS_KEY: secret },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^marketops: Cannot store artifacts in s3:\/\/marketops-test\/.+; check the bucket, the endpoint and the AWS credentials\.\n$/m,
    );
    expect(refused.stderr).not.toContain(secret);
  });
});
