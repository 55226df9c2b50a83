import { z } from 'zod';
import { firstIssue } from '../common/zod-sentence.js';
import { docs, unprocessable } from './github-errors.js';
import type { RateLimiter } from './rate-limiter.js';
import type { Representations } from './representations.js';
import type { Route, RouteRequest, RouteResponse } from './router.js';
import { GET_COMMIT_DOCS, type GitHubStore } from './store.js';

const createRefBody = z.object({ ref: z.string(), sha: z.string() });
const createTagBody = z.object({
  tag: z.string(),
  message: z.string(),
  object: z.string(),
  type: z.enum(['commit', 'tree', 'blob']),
  tagger: z.object({ name: z.string(), email: z.string(), date: z.string().optional() }).optional(),
});
const createReleaseBody = z.object({
  tag_name: z.string().min(1),
  target_commitish: z.string().min(1).optional(),
  name: z.string().optional(),
  body: z.string().optional(),
  draft: z.boolean().optional(),
  prerelease: z.boolean().optional(),
});
const createPullBody = z.object({
  title: z.string().min(1),
  head: z.string().min(1),
  base: z.string().min(1),
  body: z.string().optional(),
  draft: z.boolean().optional(),
});
const pullStateQuery = z.enum(['open', 'closed', 'all']);

/** GitHub rejects a malformed body with a 422 "Invalid request." naming the field. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown, documentationUrl: string): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw unprocessable(`Invalid request.\n\nFor '${field ?? 'body'}': ${message}.`, documentationUrl);
}

/** GitHub's `per_page` (default 30, at most 100) and `page` (from 1) slicing. */
function paginate<T>(items: T[], query: URLSearchParams): T[] {
  const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  return items.slice((page - 1) * perPage, page * perPage);
}

const ok = (body: unknown): RouteResponse => ({ status: 200, body });
const created = (body: Record<string, unknown>, location: string): RouteResponse => ({
  status: 201,
  body,
  headers: { location },
  applied: true,
});

/** The GitHub REST endpoints the executor uses, with the paths of GitHub's OpenAPI document. */
export function githubRoutes(store: GitHubStore, render: Representations, limiter: RateLimiter): Route[] {
  const repoOf = ({ params }: RouteRequest, documentationUrl: string) =>
    store.repo(params.owner ?? '', params.repo ?? '', documentationUrl);
  const gitRef = (request: RouteRequest) => {
    const repo = repoOf(request, docs.getRef);
    const { ref, record } = store.getRef(repo, request.params.ref ?? '');
    return ok(render.gitRef(repo, ref, record));
  };

  return [
    {
      method: 'GET',
      template: '/rate_limit',
      handle: ({ tokenId }: RouteRequest) => {
        const headers = limiter.headers(tokenId);
        const core = {
          limit: Number(headers['x-ratelimit-limit']),
          remaining: Number(headers['x-ratelimit-remaining']),
          reset: Number(headers['x-ratelimit-reset']),
          used: Number(headers['x-ratelimit-used']),
        };
        const search = { limit: 30, remaining: 30, reset: core.reset, used: 0 };
        return ok({ resources: { core, search }, rate: core });
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}',
      handle: (request: RouteRequest) => ok(render.fullRepository(repoOf(request, docs.getRepo))),
    },
    { method: 'GET', template: '/repos/{owner}/{repo}/git/ref/{ref}', greedyLast: true, handle: gitRef },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/git/refs',
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.createRef);
        const body = parseBody(createRefBody, request.body, docs.createRef);
        const { ref, record } = store.createRef(repo, body.ref, body.sha);
        const rendered = render.gitRef(repo, ref, record);
        return created(rendered, String(rendered.url));
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/git/tags',
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.createTag);
        const tag = store.createTag(repo, parseBody(createTagBody, request.body, docs.createTag));
        const rendered = render.gitTag(repo, tag);
        return created(rendered, String(rendered.url));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/git/tags/{tag_sha}',
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.getTag);
        return ok(render.gitTag(repo, store.getTag(repo, request.params.tag_sha ?? '')));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}',
      greedyLast: true,
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, GET_COMMIT_DOCS);
        return ok(render.commit(repo, store.getCommit(repo, request.params.ref ?? '')));
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/releases',
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.createRelease);
        const release = store.createRelease(
          repo,
          parseBody(createReleaseBody, request.body, docs.createRelease),
        );
        const rendered = render.release(repo, release);
        return created(rendered, String(rendered.url));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/releases/tags/{tag}',
      greedyLast: true,
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.getReleaseByTag);
        return ok(render.release(repo, store.getReleaseByTag(repo, request.params.tag ?? '')));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/releases',
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.listReleases);
        const releases = paginate(store.listReleases(repo), request.query);
        return ok(releases.map((release) => render.release(repo, release)));
      },
    },
    {
      method: 'POST',
      template: '/repos/{owner}/{repo}/pulls',
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.createPull);
        const pull = store.createPull(repo, parseBody(createPullBody, request.body, docs.createPull));
        const rendered = render.pullRequest(repo, pull);
        return created(rendered, String(rendered.url));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls',
      handle: (request: RouteRequest) => {
        const repo = repoOf(request, docs.listPulls);
        const state = pullStateQuery.safeParse(request.query.get('state') ?? 'open');
        if (!state.success) {
          throw unprocessable(
            `Invalid request.\n\nFor 'state': must be open, closed or all.`,
            docs.listPulls,
          );
        }
        const pulls = store.listPulls(repo, {
          state: state.data,
          head: request.query.get('head') ?? undefined,
          base: request.query.get('base') ?? undefined,
        });
        return ok(paginate(pulls, request.query).map((pull) => render.pullRequestSimple(repo, pull)));
      },
    },
  ];
}
