import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

/** MARKETOPS_ARTIFACT_STORE (and MARKETOPS_ARTIFACT_S3_ENDPOINT) parsed into a store location. */
const artifactsOf = (env: NodeJS.ProcessEnv) => loadConfig(env).artifacts;

describe('MARKETOPS_ARTIFACT_STORE', () => {
  it('defaults to the artifacts folder of the data directory, and takes a path or a file URL', () => {
    expect(artifactsOf({})).toEqual({ kind: 'local', dir: resolve('.data/artifacts') });
    expect(artifactsOf({ MARKETOPS_DATA_DIR: '/srv/mo' })).toEqual({
      kind: 'local',
      dir: '/srv/mo/artifacts',
    });
    expect(artifactsOf({ MARKETOPS_ARTIFACT_STORE: 'store' })).toEqual({
      kind: 'local',
      dir: resolve('store'),
    });
    expect(artifactsOf({ MARKETOPS_ARTIFACT_STORE: 'file:///srv/a' })).toEqual({
      kind: 'local',
      dir: '/srv/a',
    });
  });

  it('takes an s3:// URL, its endpoint from the URL or from MARKETOPS_ARTIFACT_S3_ENDPOINT, its region from AWS_REGION', () => {
    expect(artifactsOf({ MARKETOPS_ARTIFACT_STORE: 's3://releases/acme/assets/' })).toEqual({
      kind: 's3',
      bucket: 'releases',
      prefix: 'acme/assets/',
      endpoint: undefined,
      region: 'us-east-1',
    });
    expect(
      artifactsOf({
        MARKETOPS_ARTIFACT_STORE: 's3://releases?endpoint=http://10.0.0.5:8333',
        AWS_REGION: 'eu-west-1',
      }),
    ).toEqual({
      kind: 's3',
      bucket: 'releases',
      prefix: '',
      endpoint: 'http://10.0.0.5:8333',
      region: 'eu-west-1',
    });
    expect(
      artifactsOf({
        MARKETOPS_ARTIFACT_STORE: 's3://releases/a',
        MARKETOPS_ARTIFACT_S3_ENDPOINT: 'https://s3.example',
      }),
    ).toMatchObject({ prefix: 'a/', endpoint: 'https://s3.example' });
  });

  it.each([
    ['ftp://files/a', {}, 'MARKETOPS_ARTIFACT_STORE must be a folder path or an s3://BUCKET/PREFIX URL'],
    ['s3://No_Such/a', {}, 'MARKETOPS_ARTIFACT_STORE must be s3://BUCKET/PREFIX with a valid bucket name'],
    [
      's3://AKIA:hunter2@releases/a',
      {},
      'MARKETOPS_ARTIFACT_STORE must be s3://BUCKET/PREFIX with a valid bucket name and no credentials',
    ],
    [
      's3://releases?endpoint=ftp://x',
      {},
      'MARKETOPS_ARTIFACT_STORE has an endpoint= that is not an http(s) URL',
    ],
    [
      's3://releases',
      { MARKETOPS_ARTIFACT_S3_ENDPOINT: 'http://key:hunter2@s3.local' },
      'MARKETOPS_ARTIFACT_S3_ENDPOINT must not hold credentials',
    ],
  ])('refuses %s in one sentence naming the variable, never echoing a secret', (store, extra, message) => {
    const load = () => artifactsOf({ MARKETOPS_ARTIFACT_STORE: store, ...extra });
    expect(load).toThrow(message);
    expect(load).not.toThrow(/hunter2/);
    expect(load).toThrow(/; fix or unset it\.$/);
  });
});
