import { appRoutes } from './app-routes.js';
import { create, list, ok, type RepoEndpoint, read, type Services } from './endpoint.js';
import { docs, unprocessable } from './github-errors.js';
import { checkGrant, type Need, notAccessible } from './grants.js';
import type { RateLimiter } from './rate-limiter.js';
import { canPush, RELEASE_ENDPOINTS } from './release-endpoints.js';
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

/** `open` by default; GitHub names the field when the value is none of its three. */
function pullState(query: URLSearchParams, documentationUrl: string) {
  const state = pullStateQuery.safeParse(query.get('state') ?? 'open');
  if (state.success) return state.data;
  throw unprocessable(`Invalid request.\n\nFor 'state': must be open, closed or all.`, documentationUrl);
}

const contentsRead: Need = ['contents', 'read'];
const contentsWrite: Need = ['contents', 'write'];

/**
 * The repository endpoints the executor uses, with the paths of GitHub's OpenAPI document and the
 * permission each needs of an installation token (GitHub's "permissions required for GitHub Apps").
 */
const REPO_ENDPOINTS: RepoEndpoint[] = [
  read(
    { template: '/repos/{owner}/{repo}', docs: docs.getRepo, needs: ['metadata', 'read'] },
    // Installation tokens and App JWTs never administer: the sandbox grants Apps no `administration`.
    (_store, _repo, { caller }) => caller.kind === 'token' && caller.repoAdmin,
    (api, repo, callerIsAdmin) => fullRepository(api, repo, callerIsAdmin),
  ),
  read(
    {
      template: '/repos/{owner}/{repo}/git/ref/{ref}',
      docs: docs.getRef,
      greedyLast: true,
      needs: contentsRead,
    },
    (store, repo, { params }) => store.getRef(repo, params.ref ?? ''),
    gitRef,
  ),
  create(
    { template: '/repos/{owner}/{repo}/git/refs', docs: docs.createRef, needs: contentsWrite },
    createRefBody,
    (store, repo, body) => store.createRef(repo, body.ref, body.sha),
    gitRef,
  ),
  create(
    { template: '/repos/{owner}/{repo}/git/tags', docs: docs.createTag, needs: contentsWrite },
    createTagBody,
    (store, repo, body) => store.createTag(repo, body),
    gitTag,
  ),
  read(
    { template: '/repos/{owner}/{repo}/git/tags/{tag_sha}', docs: docs.getTag, needs: contentsRead },
    (store, repo, { params }) => store.getTag(repo, params.tag_sha ?? ''),
    gitTag,
  ),
  read(
    {
      template: '/repos/{owner}/{repo}/commits/{ref}',
      docs: docs.getCommit,
      greedyLast: true,
      needs: contentsRead,
    },
    (store, repo, { params }) => store.getCommit(repo, params.ref ?? ''),
    commit,
  ),
  create(
    { template: '/repos/{owner}/{repo}/releases', docs: docs.createRelease, needs: contentsWrite },
    createReleaseBody,
    (store, repo, body) => store.releases.create(repo, body),
    release,
  ),
  read(
    {
      template: '/repos/{owner}/{repo}/releases/tags/{tag}',
      docs: docs.getReleaseByTag,
      greedyLast: true,
      needs: contentsRead,
    },
    (store, repo, { params }) => store.releases.byTag(repo, params.tag ?? ''),
    release,
  ),
  list(
    { template: '/repos/{owner}/{repo}/releases', docs: docs.listReleases, needs: contentsRead },
    (store, repo, { caller }) => store.releases.list(repo, canPush(caller)),
    release,
  ),
  create(
    { template: '/repos/{owner}/{repo}/pulls', docs: docs.createPull, needs: ['pull_requests', 'write'] },
    createPullBody,
    (store, repo, body) => store.createPull(repo, body),
    pullRequest,
  ),
  list(
    { template: '/repos/{owner}/{repo}/pulls', docs: docs.listPulls, needs: ['pull_requests', 'read'] },
    (store, repo, { query }) =>
      store.listPulls(repo, {
        state: pullState(query, docs.listPulls),
        head: query.get('head') ?? undefined,
        base: query.get('base') ?? undefined,
      }),
    pullRequestSimple,
  ),
];

/** GET /rate_limit: the identity's core window, and the search window GitHub lists beside it. */
function rateLimitRoute(limiter: RateLimiter): Route {
  return {
    method: 'GET',
    template: '/rate_limit',
    handle: ({ caller }: RouteRequest) => {
      const core = limiter.window(caller.identity);
      const search = { limit: 30, remaining: 30, reset: core.reset, used: 0 };
      return ok({ resources: { core, search }, rate: core });
    },
  };
}

/**
 * Routes a repository endpoint: the repository is looked up first, so an unknown one is a 404,
 * and so is one an installation token cannot see; then the token's permission is checked.
 * An App's JWT serves only the App's own endpoints.
 */
function repoRoute(services: Services, endpoint: RepoEndpoint): Route {
  const { answer, docs: documentationUrl, needs, ...route } = endpoint;
  return {
    ...route,
    handle: (request) => {
      const { owner = '', repo: name = '' } = request.params;
      const { caller } = request;
      const repo = services.store.repo(owner, name, documentationUrl);
      if (caller.kind === 'app') throw notAccessible(documentationUrl);
      if (caller.kind === 'installation') checkGrant(caller.grant, repo, needs, documentationUrl);
      return answer(services, repo, request);
    },
  };
}

/** The GitHub REST endpoints the sandbox serves, in the order they are matched. */
export function githubRoutes(services: Services, limiter: RateLimiter): Route[] {
  return [
    rateLimitRoute(limiter),
    ...appRoutes(services),
    ...[...REPO_ENDPOINTS, ...RELEASE_ENDPOINTS].map((endpoint) => repoRoute(services, endpoint)),
  ];
}
