import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
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

const url = process.env.MARKETOPS_TEST_S3_URL;
if (!url)
  throw new Error(
    'MARKETOPS_TEST_S3_URL is unset; run the tests with scripts/test.sh, or set MARKETOPS_TEST_S3_URL=$(bash scripts/seaweedfs.sh).',
  );

/** A fresh prefix under the test bucket, which is created when missing. */
export async function freshS3Location(): Promise<Extract<ArtifactStoreLocation, { kind: 's3' }>> {
  Object.assign(process.env, s3TestEnv);
  const location = loadConfig({ MARKETOPS_ARTIFACT_STORE: url, ...s3TestEnv }).artifacts;
  if (location.kind !== 's3') throw new Error(`MARKETOPS_TEST_S3_URL ${url} is not an s3:// URL; fix it.`);
  await clientFor(location)
    .send(new CreateBucketCommand({ Bucket: location.bucket }))
    .catch((error: Error) => {
      if (!/BucketAlready/.test(error.name)) throw error;
    });
  return { ...location, prefix: `${location.prefix}${crypto.randomUUID()}/` };
}

export const clientFor = (location: Extract<ArtifactStoreLocation, { kind: 's3' }>): S3Client =>
  new S3Client({ region: location.region, endpoint: location.endpoint, forcePathStyle: true });

/** Overwrites an object as a faulty disk or a careless operator would. */
export async function overwriteObject(
  location: Extract<ArtifactStoreLocation, { kind: 's3' }>,
  key: string,
  bytes: Buffer,
): Promise<void> {
  await clientFor(location).send(
    new PutObjectCommand({ Bucket: location.bucket, Key: `${location.prefix}${key}`, Body: bytes }),
  );
}
