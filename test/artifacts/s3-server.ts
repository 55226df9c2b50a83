import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { onTestFinished } from 'vitest';
import type { ArtifactStoreLocation } from '../../src/config/artifact-store.js';
import { loadConfig } from '../../src/config/index.js';

/**
 * The S3-compatible server the tests use: SeaweedFS, started by scripts/seaweedfs.sh, whose URL
 * scripts/test.sh exports. The credentials are the test server's own, set in that script.
 */
export const s3TestEnv = {
  AWS_ACCESS_KEY_ID: 'marketops-test',
  AWS_SECRET_ACCESS_KEY: 'marketops-test-secret',
  AWS_REGION: 'us-east-1',
};

type S3Location = Extract<ArtifactStoreLocation, { kind: 's3' }>;

/** A fresh prefix under the test bucket (created when missing), emptied when the test ends. */
export async function freshS3Location(): Promise<S3Location> {
  const url = process.env.MARKETOPS_TEST_S3_URL;
  if (!url) {
    throw new Error(
      'MARKETOPS_TEST_S3_URL is unset; run the tests with scripts/test.sh, or set MARKETOPS_TEST_S3_URL=$(bash scripts/seaweedfs.sh).',
    );
  }
  Object.assign(process.env, s3TestEnv);
  const location = loadConfig({ MARKETOPS_ARTIFACT_STORE: url, ...s3TestEnv }).artifacts;
  if (location.kind !== 's3') throw new Error(`MARKETOPS_TEST_S3_URL ${url} is not an s3:// URL; fix it.`);
  await clientFor(location)
    .send(new CreateBucketCommand({ Bucket: location.bucket }))
    .catch((error: Error) => {
      if (!/BucketAlready/.test(error.name)) throw error;
    });
  const fresh = { ...location, prefix: `${location.prefix}${crypto.randomUUID()}/` };
  onTestFinished(() => empty(fresh));
  return fresh;
}

export const clientFor = (location: S3Location): S3Client =>
  new S3Client({ region: location.region, endpoint: location.endpoint, forcePathStyle: true });

/** Overwrites an object as a faulty disk or a careless operator would. */
export async function overwriteObject(location: S3Location, key: string, bytes: Buffer): Promise<void> {
  await clientFor(location).send(
    new PutObjectCommand({ Bucket: location.bucket, Key: `${location.prefix}${key}`, Body: bytes }),
  );
}

/** Deletes everything under the location's prefix, so test runs do not fill the server's disk. */
async function empty(location: S3Location): Promise<void> {
  const client = clientFor(location);
  for (;;) {
    const { Contents = [] } = await client.send(
      new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix }),
    );
    if (Contents.length === 0) return;
    await client.send(
      new DeleteObjectsCommand({
        Bucket: location.bucket,
        Delete: { Objects: Contents.map(({ Key }) => ({ Key })) },
      }),
    );
  }
}
