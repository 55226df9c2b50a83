import { randomUUID } from 'node:crypto';
import { pipeline, Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactStoreLocation } from '../config/artifact-store.js';
import { DigestingStream } from './digest.js';
import {
  type ArtifactStore,
  artifactKey,
  assertSha256,
  type OpenedArtifact,
  refuseUnexpected,
  type StoredArtifact,
} from './store.js';

type S3Location = Extract<ArtifactStoreLocation, { kind: 's3' }>;

// lib-storage buffers queueSize parts of partSize: a put holds about 10 MiB whatever the file's size.
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE_SIZE = 2;

/**
 * The store every worker shares: `<prefix>sha256/<hex>` in an S3-compatible bucket. A put streams
 * a multipart upload to `<prefix>tmp/<uuid>`, hashing as it goes, then copies it under its sha256
 * (S3 has no rename; a copy is whole or absent) and deletes the temporary object. Credentials come
 * from the SDK's standard chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profiles, roles).
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly location: string;
  private readonly client: S3Client;

  constructor(private readonly where: S3Location) {
    this.location = `s3://${where.bucket}/${where.prefix}${where.endpoint ? ` at ${new URL(where.endpoint).host}` : ''}`;
    this.client = new S3Client({
      region: where.region,
      endpoint: where.endpoint,
      // S3-compatible servers answer at one host: the bucket goes in the path, not the host name.
      forcePathStyle: where.endpoint !== undefined,
    });
  }

  async put(source: Readable, options: { expectedSha256?: string } = {}): Promise<StoredArtifact> {
    const temp = `${this.where.prefix}tmp/${randomUUID()}`;
    const digest = new DigestingStream();
    // The callback form returns the last stream, and destroys it (failing the upload) on any error.
    const body = pipeline(source, digest, () => {});
    try {
      await this.failing(
        new Upload({
          client: this.client,
          params: { Bucket: this.where.bucket, Key: temp, Body: body },
          partSize: PART_SIZE,
          queueSize: QUEUE_SIZE,
        }).done(),
        'store',
      );
      const stored = { sha256: digest.sha256(), size: digest.byteCount };
      refuseUnexpected(stored, options.expectedSha256);
      // Copied even when the name exists: putting the authorized bytes again repairs a changed object.
      await this.failing(
        this.client.send(
          new CopyObjectCommand({
            Bucket: this.where.bucket,
            CopySource: `${this.where.bucket}/${encodeURIComponent(temp)}`,
            Key: this.keyOf(stored.sha256),
          }),
        ),
        'store',
      );
      return stored;
    } finally {
      await this.client
        .send(new DeleteObjectCommand({ Bucket: this.where.bucket, Key: temp }))
        .catch(() => {});
    }
  }

  async open(sha256: string): Promise<OpenedArtifact> {
    const Key = this.keyOf(sha256);
    const head = await this.client
      .send(new HeadObjectCommand({ Bucket: this.where.bucket, Key }))
      .catch((error) => {
        if (isNotFound(error)) return undefined;
        throw this.failure(error, 'read');
      });
    if (head === undefined) return { found: false };
    return {
      found: true,
      size: head.ContentLength ?? 0,
      stream: () => Readable.from(this.bytes(Key), { objectMode: false }),
    };
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.open(sha256)).found;
  }

  private keyOf(sha256: string): string {
    assertSha256(sha256);
    return `${this.where.prefix}${artifactKey(sha256)}`;
  }

  /** The object's bytes as the response streams them: nothing is buffered beyond a chunk. */
  private async *bytes(Key: string): AsyncGenerator<Buffer> {
    const { Body } = await this.failing(
      this.client.send(new GetObjectCommand({ Bucket: this.where.bucket, Key })),
      'read',
    );
    yield* Body as Readable;
  }

  private failing<T>(work: Promise<T>, doing: 'read' | 'store'): Promise<T> {
    return work.catch((error) => {
      throw this.failure(error, doing);
    });
  }

  /** The SDK's message names the problem; no credential is ever part of it. */
  private failure(error: unknown, doing: 'read' | 'store'): Error {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return new Error(
      `Cannot ${doing} artifacts in ${this.location} (${name}: ${message}); check the bucket, the endpoint and the AWS credentials.`,
      { cause: error },
    );
  }
}

const isNotFound = (error: unknown): boolean =>
  (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
