import type { Readable } from 'node:stream';
import type { Octokit } from '@octokit/rest';
import type { z } from 'zod';
import type { AuditRecord } from '../audit/record.js';
import { type GitHubWrite, splitRepository } from './plan.js';
import { streamingFetch } from './streaming-fetch.js';
import { uploadsBaseUrl } from './uploads-origin.js';

/** What an effect adds to the audit record's `github` object: each kind's ids, and who acted. */
export type RecordFields = Omit<NonNullable<AuditRecord['github']>, 'url' | 'response_sha256' | 'adopted'>;

/** What an operation leaves behind on GitHub; `adopted` means it already existed exactly as requested. */
export interface GitHubEffect {
  url: string;
  id: string;
  adopted: boolean;
  identifiers: RecordFields;
  responseSha256: string;
}

type Params = Record<string, unknown>;
type Headers = Record<string, string | number | undefined>;
const statusOf = (error: unknown) => (error as { status?: number }).status;

/** What the caller learns of every call, and what a write waits for. */
export interface CallHooks {
  /** Every response's status and headers, a refusal's included (a network failure's status is 0). */
  onResponse(status: number, headers: Headers | undefined): void;
  /** Resolves when a write may be sent; throws, sending nothing, when it may not. */
  beforeWrite(): Promise<void>;
}

/**
 * The GitHub calls every operation is built from: parsed at the boundary, each response shown
 * to the hooks, each write sent only after the hooks' `beforeWrite`.
 */
export function githubCalls(octokit: Octokit, hooks: CallHooks) {
  async function call<S extends z.ZodType>(route: string, params: Params, schema: S): Promise<z.infer<S>> {
    try {
      const response = await octokit.request(route, params);
      hooks.onResponse(response.status, response.headers);
      return schema.parse(response.data);
    } catch (error) {
      hooks.onResponse(
        statusOf(error) ?? 0,
        (error as { response?: { headers?: Headers } }).response?.headers,
      );
      throw error;
    }
  }

  /** A GET that treats `absentStatus` (GitHub's 404, or the 422 of an unknown commit) as "absent". */
  async function find<S extends z.ZodType>(route: string, params: Params, schema: S, absentStatus = 404) {
    try {
      return await call(route, params, schema);
    } catch (error) {
      if (statusOf(error) === absentStatus) return undefined;
      throw error;
    }
  }

  /** Any write (`PATCH /repos/…`, `DELETE /repos/…`), sent only after the hooks' `beforeWrite`. */
  async function write<S extends z.ZodType>(route: string, params: Params, schema: S): Promise<z.infer<S>> {
    await hooks.beforeWrite();
    return call(route, params, schema);
  }

  async function send<S extends z.ZodType>(
    planned: GitHubWrite,
    repository: string,
    schema: S,
  ): Promise<z.infer<S>> {
    return write(`POST ${planned.route}`, { ...splitRepository(repository), ...planned.body }, schema);
  }

  const uploads = uploadsBaseUrl(octokit.request.endpoint.DEFAULTS.baseUrl);
  /** Where a release's assets go (GitHub's `upload_url` without `{?name,label}`), from the configured origin. */
  const releaseAssetsUrl = (repository: string, releaseId: number) =>
    `${uploads}/repos/${repository}/releases/${releaseId}/assets`;

  /**
   * Streams `bytes` to a release's assets on the configured uploads origin (uploads.github.com on
   * GitHub; never a URL from an answer or a history) with `Content-Length`, never holding the file:
   * Octokit's request (its auth, these hooks) over a transport that writes the body with
   * backpressure (streaming-fetch.ts).
   */
  async function upload<S extends z.ZodType>(
    spec: {
      repository: string;
      releaseId: number;
      name: string;
      label?: string | undefined;
      contentType: string;
      size: number;
      bytes: Readable;
    },
    schema: S,
  ): Promise<z.infer<S>> {
    return write(
      // A template, `…/assets{?name,label}`, that Octokit expands with these params.
      `POST ${releaseAssetsUrl(spec.repository, spec.releaseId)}{?name,label}`,
      {
        name: spec.name,
        ...(spec.label === undefined ? {} : { label: spec.label }),
        data: spec.bytes,
        headers: { 'content-type': spec.contentType, 'content-length': spec.size },
        request: { fetch: streamingFetch },
      },
      schema,
    );
  }

  /**
   * Adopts what already exists, or writes it. A 422 on the write can mean "it already
   * exists" (a response lost earlier, or the same effect made elsewhere): look again and
   * adopt a match rather than fail.
   */
  async function adoptOrCreate<S extends z.ZodType>(spec: {
    repository: string;
    adopt: () => Promise<GitHubEffect | undefined>;
    write: GitHubWrite;
    schema: S;
    created: (response: z.infer<S>) => GitHubEffect;
  }): Promise<GitHubEffect> {
    const adopted = await spec.adopt();
    if (adopted) return adopted;
    try {
      return spec.created(await send(spec.write, spec.repository, spec.schema));
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      const found = await spec.adopt();
      if (found) return found;
      throw error;
    }
  }

  return { call, find, write, send, upload, releaseAssetsUrl, adoptOrCreate };
}

export type GitHubCalls = ReturnType<typeof githubCalls>;
