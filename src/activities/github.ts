import type { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { FailureCode, toFailure } from '../github/failures.js';
import {
  type GitHubWrite,
  pullRequestWrite,
  releaseWrite,
  splitRepository,
  tagObjectWrite,
  tagRefWrite,
} from '../github/plan.js';
import {
  pullSchema,
  refSchema,
  releaseSchema,
  responseSha256,
  tagObjectSchema,
} from '../github/responses.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import type { OpenPrRequest, PublishReleaseRequest, TagRepoRequest } from '../receipts/index.js';
import { assertBeforeExpiry, authorizationNow } from './authorization-window.js';

/** What a GitHub activity leaves behind; `adopted` means it already existed exactly as requested. */
export interface GitHubEffect {
  url: string;
  id: string;
  adopted: boolean;
  identifiers: { release_id?: number; tag_sha?: string; pr_number?: number };
  responseSha256: string;
}

export interface GitHubActivityInput<R> {
  request: R;
  /** The receipt's exp, epoch ms: no write is sent at or after it. */
  notAfter: number;
}

const conflict = (what: string) =>
  ApplicationFailure.nonRetryable(
    `${what} already exists on GitHub but differs from the authorized request; nothing was changed.`,
    FailureCode.conflict,
  );

export function createGitHubActivities(octokit: Octokit, metrics: ExecutorMetrics) {
  async function call<S extends z.ZodType>(
    route: string,
    params: Record<string, unknown>,
    schema: S,
  ): Promise<z.infer<S>> {
    try {
      const response = await octokit.request(route, params);
      metrics.githubCall(response.status);
      return schema.parse(response.data);
    } catch (error) {
      metrics.githubCall((error as { status?: number }).status ?? 0);
      throw error;
    }
  }

  /** A GET that treats 404 as "absent" rather than an error. */
  async function find<S extends z.ZodType>(route: string, params: Record<string, unknown>, schema: S) {
    try {
      return await call(route, params, schema);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  function send<S extends z.ZodType>(write: GitHubWrite, repository: string, schema: S, notAfter: number) {
    assertBeforeExpiry(notAfter);
    return call(`POST ${write.route}`, { ...splitRepository(repository), ...write.body }, schema);
  }

  /** Every GitHub error leaves as a Temporal failure carrying its retry decision. */
  async function guarded<T>(notAfter: number, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const failure = toFailure(error, { now: authorizationNow(), notAfter });
      if (failure.type?.endsWith('RATE_LIMIT')) metrics.rateLimitWait(failure.type);
      throw failure;
    }
  }

  const repoParams = (repository: string) => splitRepository(repository);

  const releaseEffect = (release: z.infer<typeof releaseSchema>, adopted: boolean): GitHubEffect => ({
    url: release.html_url,
    id: String(release.id),
    adopted,
    identifiers: { release_id: release.id },
    responseSha256: responseSha256(release),
  });

  const refEffect = (ref: z.infer<typeof refSchema>, adopted: boolean): GitHubEffect => ({
    url: ref.url,
    id: ref.object.sha,
    adopted,
    identifiers: { tag_sha: ref.object.sha },
    responseSha256: responseSha256(ref),
  });

  const pullEffect = (pull: z.infer<typeof pullSchema>, adopted: boolean): GitHubEffect => ({
    url: pull.html_url,
    id: String(pull.number),
    adopted,
    identifiers: { pr_number: pull.number },
    responseSha256: responseSha256(pull),
  });

  function releaseMatches(release: z.infer<typeof releaseSchema>, request: PublishReleaseRequest): boolean {
    return (
      release.name === request.name &&
      (release.body ?? '') === request.body &&
      release.draft === request.draft &&
      release.prerelease === request.prerelease
    );
  }

  async function existingTagTarget(request: TagRepoRequest, ref: z.infer<typeof refSchema>) {
    if (ref.object.type !== 'tag') return { commit: ref.object.sha, message: undefined };
    const tag = await call(
      'GET /repos/{owner}/{repo}/git/tags/{tag_sha}',
      { ...repoParams(request.repository), tag_sha: ref.object.sha },
      tagObjectSchema,
    );
    return { commit: tag.object.sha, message: tag.message };
  }

  const findTagRef = (request: TagRepoRequest) =>
    find(
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      { ...repoParams(request.repository), ref: `tags/${request.tag}` },
      refSchema,
    );

  /** Adopts an existing tag only when it names the same commit with the same kind and message. */
  async function adoptTag(request: TagRepoRequest): Promise<GitHubEffect | undefined> {
    const ref = await findTagRef(request);
    if (!ref) return undefined;
    const target = await existingTagTarget(request, ref);
    const sameMessage =
      (target.message?.trimEnd() ?? undefined) === (request.message?.trimEnd() ?? undefined);
    if (target.commit !== request.sha || !sameMessage) throw conflict(`Tag ${request.tag}`);
    return refEffect(ref, true);
  }

  /**
   * Adopts what already exists, or writes it. A 422 on the write can mean "it already
   * exists" (a response lost earlier, or the same effect made elsewhere): look again and
   * adopt a match rather than fail.
   */
  async function adoptOrCreate<S extends z.ZodType>(spec: {
    repository: string;
    notAfter: number;
    adopt: () => Promise<GitHubEffect | undefined>;
    write: GitHubWrite;
    schema: S;
    created: (response: z.infer<S>) => GitHubEffect;
  }): Promise<GitHubEffect> {
    const adopted = await spec.adopt();
    if (adopted) return adopted;
    try {
      return spec.created(await send(spec.write, spec.repository, spec.schema, spec.notAfter));
    } catch (error) {
      if ((error as { status?: number }).status !== 422) throw error;
      const found = await spec.adopt();
      if (found) return found;
      throw error;
    }
  }

  async function findRelease(request: PublishReleaseRequest) {
    const repo = repoParams(request.repository);
    if (!request.draft) {
      return find(
        'GET /repos/{owner}/{repo}/releases/tags/{tag}',
        { ...repo, tag: request.tag_name },
        releaseSchema,
      );
    }
    // A draft has no tag yet, so GitHub's by-tag lookup never returns it: search the newest releases.
    const releases = await call(
      'GET /repos/{owner}/{repo}/releases',
      { ...repo, per_page: 100 },
      releaseSchema.array(),
    );
    return releases.find((release) => release.tag_name === request.tag_name);
  }

  async function adoptRelease(request: PublishReleaseRequest): Promise<GitHubEffect | undefined> {
    const existing = await findRelease(request);
    if (!existing) return undefined;
    if (!releaseMatches(existing, request)) throw conflict(`Release ${request.tag_name}`);
    return releaseEffect(existing, true);
  }

  /** `head` may name a fork (`owner:branch`); GitHub's filter and label always carry the owner. */
  const headLabel = (request: OpenPrRequest) =>
    request.head.includes(':')
      ? request.head
      : `${splitRepository(request.repository).owner}:${request.head}`;

  async function adoptPullRequest(request: OpenPrRequest): Promise<GitHubEffect | undefined> {
    const label = headLabel(request);
    const open = await call(
      'GET /repos/{owner}/{repo}/pulls',
      { ...repoParams(request.repository), head: label, base: request.base, state: 'open' },
      pullSchema.array(),
    );
    const existing = open.find((pull) => pull.head.label === label && pull.base.ref === request.base);
    if (!existing) return undefined;
    const same = existing.title === request.title && (existing.body ?? '') === request.body;
    if (!same) throw conflict(`An open pull request from ${request.head} into ${request.base}`);
    return pullEffect(existing, true);
  }

  return {
    async publishRelease({
      request,
      notAfter,
    }: GitHubActivityInput<PublishReleaseRequest>): Promise<GitHubEffect> {
      return guarded(notAfter, () =>
        adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt: () => adoptRelease(request),
          write: releaseWrite(request),
          schema: releaseSchema,
          created: (release) => releaseEffect(release, false),
        }),
      );
    },

    /**
     * The first half of an annotated tag. A retry after a lost response may leave an
     * unreferenced tag object behind; that is invisible and harmless, unlike a second ref.
     */
    async createTagObject({
      request,
      notAfter,
    }: GitHubActivityInput<TagRepoRequest & { message: string }>): Promise<
      { adopted: GitHubEffect } | { tagObjectSha: string }
    > {
      return guarded(notAfter, async () => {
        const adopted = await adoptTag(request);
        if (adopted) return { adopted };
        const tag = await send(tagObjectWrite(request), request.repository, tagObjectSchema, notAfter);
        return { tagObjectSha: tag.sha };
      });
    },

    /** Points refs/tags/<tag> at `targetSha`: the tag object's, or the commit's for a lightweight tag. */
    async createTagRef({
      request,
      notAfter,
      targetSha,
    }: GitHubActivityInput<TagRepoRequest> & { targetSha: string }): Promise<GitHubEffect> {
      const adopt = async () => {
        const ref = await findTagRef(request);
        if (ref?.object.sha === targetSha) return refEffect(ref, true);
        return ref ? adoptTag(request) : undefined;
      };
      return guarded(notAfter, () =>
        adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt,
          write: tagRefWrite(request, targetSha),
          schema: refSchema,
          created: (ref) => refEffect(ref, false),
        }),
      );
    },

    async openPullRequest({ request, notAfter }: GitHubActivityInput<OpenPrRequest>): Promise<GitHubEffect> {
      return guarded(notAfter, () =>
        adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt: () => adoptPullRequest(request),
          write: pullRequestWrite(request),
          schema: pullSchema,
          created: (pull) => pullEffect(pull, false),
        }),
      );
    },
  };
}

export type GitHubActivities = ReturnType<typeof createGitHubActivities>;
