import type { z } from 'zod';
import { firstIssue } from '../common/zod-sentence.js';
import { CACHING, createdHeaders, validators } from './conditional.js';
import { unprocessable } from './github-errors.js';
import type { Need } from './grants.js';
import type { Installations } from './installations.js';
import { paginate } from './pagination.js';
import type { Repo } from './repo.js';
import type { RouteRequest, RouteResponse } from './router.js';
import type { GitHubStore } from './store.js';

/** What an endpoint works with: the state, the Apps, and the sandbox's URL, which API links start with. */
export interface Services {
  store: GitHubStore;
  installations: Installations;
  api: string;
  /** The sandbox clock. */
  now: () => number;
}

/** Renders a record in one of GitHub's shapes (see shapes/). */
type Shape<R, Out = unknown> = (api: string, repo: Repo, record: R) => Out;

/**
 * One GitHub endpoint under `/repos/{owner}/{repo}`: the repository is resolved first (404 with
 * `docs` when unknown), then `answer` runs. The three kinds below build `answer`.
 */
export interface RepoEndpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  template: `/repos/{owner}/{repo}${string}`;
  /** GitHub's page for this endpoint, which its error bodies point at. */
  docs: string;
  /** The last parameter may contain slashes. */
  greedyLast?: boolean;
  /** The permission an installation token needs here, as GitHub's docs list it for the endpoint. */
  needs: Need;
  /** The body is raw bytes, left unread on the request (an asset upload). */
  rawBody?: boolean;
  answer(services: Services, repo: Repo, request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

type Where = Pick<RepoEndpoint, 'template' | 'docs' | 'greedyLast' | 'needs'>;

/** GitHub rejects a malformed body with a 422 "Invalid request." naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, documentationUrl: string): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw unprocessable(`Invalid request.\n\nFor '${field ?? 'body'}': ${message}.`, documentationUrl);
}

export const ok = (body: unknown): RouteResponse => ({ status: 200, body });

/** GET of one object: find it in the store, render it. */
export function read<R>(
  where: Where,
  find: (store: GitHubStore, repo: Repo, request: RouteRequest) => R,
  render: Shape<R>,
): RepoEndpoint {
  return {
    method: 'GET',
    ...where,
    answer: (services, repo, request) => ({
      ...ok(render(services.api, repo, find(services.store, repo, request))),
      lastModified: repo.changedAt,
    }),
  };
}

/** GET of a list, newest first from the store, one page of it rendered, with GitHub's `Link` header. */
export function list<R>(
  where: Where,
  find: (store: GitHubStore, repo: Repo, request: RouteRequest) => R[],
  render: Shape<R>,
): RepoEndpoint {
  return {
    method: 'GET',
    ...where,
    answer: ({ store, api }, repo, request) => {
      const page = paginate(find(store, repo, request), `${api}${request.path}`, request.query);
      return {
        ...ok(page.items.map((item) => render(api, repo, item))),
        headers: page.headers,
        lastModified: repo.changedAt,
      };
    },
  };
}

/**
 * POST that creates one object: the body is checked, the store applies it, and GitHub answers
 * 201 with the rendered object, its API URL as `Location` and its ETag.
 */
export function create<I, R>(
  where: Where,
  body: z.ZodType<I>,
  apply: (store: GitHubStore, repo: Repo, input: I) => R,
  render: Shape<R, Record<string, unknown>>,
): RepoEndpoint {
  return {
    method: 'POST',
    ...where,
    answer: (services, repo, request) => {
      const input = parseBody(body, request.body, where.docs);
      const rendered = render(services.api, repo, apply(services.store, repo, input));
      const headers = { ...createdHeaders(rendered), location: String(rendered.url) };
      return { status: 201, body: rendered, headers, applied: true };
    },
  };
}

/** PATCH of one object: the body is checked, the store applies it, GitHub answers 200 with the object. */
export function update<I, R>(
  where: Where,
  body: z.ZodType<I>,
  apply: (store: GitHubStore, repo: Repo, input: I, request: RouteRequest) => R,
  render: Shape<R>,
): RepoEndpoint {
  return {
    method: 'PATCH',
    ...where,
    answer: (services, repo, request) => {
      const input = parseBody(body, request.body, where.docs);
      const rendered = render(services.api, repo, apply(services.store, repo, input, request));
      // As recorded (release-assets, PATCH of an asset): the caching headers and validators of a GET.
      const headers = { ...CACHING, ...validators(rendered, repo.changedAt) };
      return { ...ok(rendered), headers, applied: true };
    },
  };
}

/** A change GitHub answers with `204 No Content` (DELETE, or a PUT that switches something on). */
export function noContent(
  where: Where & { method: 'PUT' | 'DELETE' },
  apply: (store: GitHubStore, repo: Repo, request: RouteRequest) => void | Promise<void>,
): RepoEndpoint {
  return {
    ...where,
    answer: async (services, repo, request) => {
      await apply(services.store, repo, request);
      return { status: 204, body: undefined, applied: true };
    },
  };
}
