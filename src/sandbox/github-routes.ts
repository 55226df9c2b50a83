import { create, list, ok, type RepoEndpoint, read, type Services } from './endpoint.js';
import { docs, unprocessable } from './github-errors.js';
import type { RateLimiter } from './rate-limiter.js';
import {
  createPullBody,
  createRefBody,
  createReleaseBody,
  createTagBody,
  pullStateQuery,
} from './request-bodies.js';
import type { Route, RouteRequest } from './router.js';
import { commit, gitRef, gitTag } from './shapes/git.js';
import { pullRequest, pullRequestSimple } from './shapes/pull.js';
import { release } from './shapes/release.js';
import { fullRepository } from './shapes/repository.js';
import type { GitHubStore } from './store.js';

/** `open` by default; GitHub names the field when the value is none of its three. */
function pullState(query: URLSearchParams, documentationUrl: string) {
  const state = pullStateQuery.safeParse(query.get('state') ?? 'open');
  if (state.success) return state.data;
  throw unprocessable(`Invalid request.\n\nFor 'state': must be open, closed or all.`, documentationUrl);
}

/** The repository endpoints the executor uses, with the paths of GitHub's OpenAPI document. */
const REPO_ENDPOINTS: RepoEndpoint[] = [
  read({ template: '/repos/{owner}/{repo}', docs: docs.getRepo }, (_store, repo) => repo, fullRepository),
  read(
    { template: '/repos/{owner}/{repo}/git/ref/{ref}', docs: docs.getRef, greedyLast: true },
    (store, repo, { params }) => store.getRef(repo, params.ref ?? ''),
    gitRef,
  ),
  create(
    { template: '/repos/{owner}/{repo}/git/refs', docs: docs.createRef },
    createRefBody,
    (store, repo, body) => store.createRef(repo, body.ref, body.sha),
    gitRef,
  ),
  create(
    { template: '/repos/{owner}/{repo}/git/tags', docs: docs.createTag },
    createTagBody,
    (store, repo, body) => store.createTag(repo, body),
    gitTag,
  ),
  read(
    { template: '/repos/{owner}/{repo}/git/tags/{tag_sha}', docs: docs.getTag },
    (store, repo, { params }) => store.getTag(repo, params.tag_sha ?? ''),
    gitTag,
  ),
  read(
    { template: '/repos/{owner}/{repo}/commits/{ref}', docs: docs.getCommit, greedyLast: true },
    (store, repo, { params }) => store.getCommit(repo, params.ref ?? ''),
    commit,
  ),
  create(
    { template: '/repos/{owner}/{repo}/releases', docs: docs.createRelease },
    createReleaseBody,
    (store, repo, body) => store.createRelease(repo, body),
    release,
  ),
  read(
    { template: '/repos/{owner}/{repo}/releases/tags/{tag}', docs: docs.getReleaseByTag, greedyLast: true },
    (store, repo, { params }) => store.getReleaseByTag(repo, params.tag ?? ''),
    release,
  ),
  list(
    { template: '/repos/{owner}/{repo}/releases', docs: docs.listReleases },
    (store, repo) => store.listReleases(repo),
    release,
  ),
  create(
    { template: '/repos/{owner}/{repo}/pulls', docs: docs.createPull },
    createPullBody,
    (store, repo, body) => store.createPull(repo, body),
    pullRequest,
  ),
  list(
    { template: '/repos/{owner}/{repo}/pulls', docs: docs.listPulls },
    (store, repo, { query }) =>
      store.listPulls(repo, {
        state: pullState(query, docs.listPulls),
        head: query.get('head') ?? undefined,
        base: query.get('base') ?? undefined,
      }),
    pullRequestSimple,
  ),
];

/** GET /rate_limit: the token's core window, and the search window GitHub lists beside it. */
function rateLimitRoute(limiter: RateLimiter): Route {
  return {
    method: 'GET',
    template: '/rate_limit',
    handle: ({ tokenId }: RouteRequest) => {
      const core = limiter.window(tokenId);
      const search = { limit: 30, remaining: 30, reset: core.reset, used: 0 };
      return ok({ resources: { core, search }, rate: core });
    },
  };
}

/** Routes a repository endpoint: the repository is looked up first, so an unknown one is a 404. */
function repoRoute(services: Services, endpoint: RepoEndpoint): Route {
  const { answer, docs: documentationUrl, ...route } = endpoint;
  return {
    ...route,
    handle: (request) => {
      const { owner = '', repo = '' } = request.params;
      return answer(services, services.store.repo(owner, repo, documentationUrl), request);
    },
  };
}

/** The GitHub REST endpoints the sandbox serves, in the order they are matched. */
export function githubRoutes(store: GitHubStore, api: string, limiter: RateLimiter): Route[] {
  const services = { store, api };
  return [rateLimitRoute(limiter), ...REPO_ENDPOINTS.map((endpoint) => repoRoute(services, endpoint))];
}
