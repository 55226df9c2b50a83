import type { Caller } from './caller.js';
import { createdHeaders } from './conditional.js';
import { list, noContent, ok, type RepoEndpoint, read, type Services, update } from './endpoint.js';
import { docs, GitHubError, notFound } from './github-errors.js';
import { checkGrant, type Need, permits } from './grants.js';
import type { Repo } from './repo.js';
import { updateAssetBody, updateRefBody, updateReleaseBody } from './request-bodies.js';
import type { Route, RouteRequest, RouteResponse } from './router.js';
import { gitRef } from './shapes/git.js';
import { release, releaseAsset } from './shapes/release.js';

const contentsRead: Need = ['contents', 'read'];
const contentsWrite: Need = ['contents', 'write'];

/** GitHub shows drafts only to callers with push access; every sandbox personal token has it. */
export const canPush = (caller: Caller): boolean =>
  caller.kind === 'token' ||
  (caller.kind === 'installation' && permits(caller.grant.permissions, contentsWrite));

/** Settings like immutable releases need an admin: a personal token configured `repoAdmin`, or an installation granted `administration`. */
function requireAdmin(caller: Caller, documentationUrl: string): void {
  if (caller.kind === 'token' && !caller.repoAdmin) {
    throw new GitHubError(403, 'Must have admin rights to Repository.', documentationUrl);
  }
}

const idParam = (request: RouteRequest, name: string): number => Number(request.params[name]);

/**
 * The uploads host answers errors in the shape of the release-assets-conflict recording:
 * `request_id` beside the message, no `status`, and `Cache-Control: no-cache`.
 */
function uploadsError(error: unknown, requestId: string): unknown {
  if (!(error instanceof GitHubError)) return error;
  const { message, documentation_url, errors } = error.body;
  const reshaped = new GitHubError(error.status, error.message, String(documentation_url), {
    headers: { ...error.headers, 'cache-control': 'no-cache' },
  });
  const body = { message, request_id: requestId, documentation_url, ...(errors ? { errors } : {}) };
  return Object.assign(reshaped, { body });
}

async function upload(services: Services, repo: Repo, request: RouteRequest): Promise<RouteResponse> {
  const { store, api, now } = services;
  const { incoming } = request;
  try {
    const target = store.releases.get(repo, idParam(request, 'release_id'), canPush(request.caller));
    const length = incoming.headers['content-length'];
    const asset = await store.assets.upload(repo, target, {
      name: request.query.get('name'),
      label: request.query.get('label'),
      contentType: incoming.headers['content-type'] ?? 'application/octet-stream',
      length: length === undefined ? null : Number(length),
      bytes: incoming,
      upstreamFailure: request.upstreamFailure === true,
    });
    const body = releaseAsset(api, repo, asset);
    // As recorded: no-cache (not the API's private caching), a strong ETag, no Location.
    const headers = {
      'cache-control': 'no-cache',
      etag: createdHeaders(body).etag ?? '',
      'last-modified': new Date(now()).toUTCString(),
    };
    return { status: 201, body, headers, applied: true };
  } catch (error) {
    throw uploadsError(error, request.requestId);
  }
}

/** GET of an asset: its JSON, or with `Accept: application/octet-stream` a 302 to its bytes, as GitHub does. */
function getAsset(services: Services, repo: Repo, request: RouteRequest): RouteResponse {
  const asset = services.store.assets.get(repo, idParam(request, 'asset_id'));
  const body = releaseAsset(services.api, repo, asset);
  if (request.incoming.headers.accept?.includes('application/octet-stream')) {
    return { status: 302, body: undefined, headers: { location: String(body.browser_download_url) } };
  }
  return { ...ok(body), lastModified: repo.changedAt };
}

/** The release an asset belongs to, for the immutability check of asset changes. */
const releaseOf = (repo: Repo, request: RouteRequest) => {
  const asset = repo.assets.find((candidate) => candidate.id === idParam(request, 'asset_id'));
  return repo.releases.find((candidate) => candidate.id === asset?.release_id);
};

/** Releases by id, their assets, the immutable-releases setting and the ref changes it guards. */
export const RELEASE_ENDPOINTS: RepoEndpoint[] = [
  read(
    { template: '/repos/{owner}/{repo}/releases/latest', docs: docs.getLatestRelease, needs: contentsRead },
    (store, repo) => store.releases.latest(repo),
    release,
  ),
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/releases/assets/{asset_id}',
    docs: docs.getAsset,
    needs: contentsRead,
    answer: getAsset,
  },
  update(
    {
      template: '/repos/{owner}/{repo}/releases/assets/{asset_id}',
      docs: docs.updateAsset,
      needs: contentsWrite,
    },
    updateAssetBody,
    (store, repo, input, request) =>
      store.assets.update(repo, idParam(request, 'asset_id'), input, releaseOf(repo, request)),
    releaseAsset,
  ),
  noContent(
    {
      method: 'DELETE',
      template: '/repos/{owner}/{repo}/releases/assets/{asset_id}',
      docs: docs.deleteAsset,
      needs: contentsWrite,
    },
    (store, repo, request) =>
      store.assets.remove(repo, idParam(request, 'asset_id'), releaseOf(repo, request)),
  ),
  read(
    { template: '/repos/{owner}/{repo}/releases/{release_id}', docs: docs.getRelease, needs: contentsRead },
    (store, repo, request) =>
      store.releases.get(repo, idParam(request, 'release_id'), canPush(request.caller)),
    release,
  ),
  update(
    {
      template: '/repos/{owner}/{repo}/releases/{release_id}',
      docs: docs.updateRelease,
      needs: contentsWrite,
    },
    updateReleaseBody,
    (store, repo, input, request) => store.releases.update(repo, idParam(request, 'release_id'), input),
    release,
  ),
  noContent(
    {
      method: 'DELETE',
      template: '/repos/{owner}/{repo}/releases/{release_id}',
      docs: docs.deleteRelease,
      needs: contentsWrite,
    },
    (store, repo, request) => store.releases.delete(repo, idParam(request, 'release_id')),
  ),
  list(
    {
      template: '/repos/{owner}/{repo}/releases/{release_id}/assets',
      docs: docs.listAssets,
      needs: contentsRead,
    },
    (store, repo, request) =>
      store.assets.list(
        repo,
        store.releases.get(repo, idParam(request, 'release_id'), canPush(request.caller)),
      ),
    releaseAsset,
  ),
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/releases/{release_id}/assets',
    docs: docs.uploadAsset,
    needs: contentsWrite,
    rawBody: true,
    answer: upload,
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/immutable-releases',
    docs: docs.immutableReleases,
    needs: ['administration', 'read'],
    // As GitHub's document describes it: 200 when enabled, 404 when not.
    answer: (_services, repo, { caller }) => {
      requireAdmin(caller, docs.immutableReleases);
      if (!repo.immutable_releases) throw notFound(docs.immutableReleases);
      return ok({ enabled: true, enforced_by_owner: false });
    },
  },
  ...([true, false] as const).map((enabled) =>
    noContent(
      {
        method: enabled ? 'PUT' : 'DELETE',
        template: '/repos/{owner}/{repo}/immutable-releases',
        docs: enabled ? docs.enableImmutableReleases : docs.disableImmutableReleases,
        needs: ['administration', 'write'],
      },
      (store, repo, { caller }) => {
        requireAdmin(caller, docs.enableImmutableReleases);
        store.releases.setImmutable(repo, enabled);
      },
    ),
  ),
  update(
    {
      template: '/repos/{owner}/{repo}/git/refs/{ref}',
      docs: docs.updateRef,
      greedyLast: true,
      needs: contentsWrite,
    },
    updateRefBody,
    (store, repo, input, request) => store.updateRef(repo, request.params.ref ?? '', input.sha),
    gitRef,
  ),
  noContent(
    {
      method: 'DELETE',
      template: '/repos/{owner}/{repo}/git/refs/{ref}',
      docs: docs.deleteRef,
      greedyLast: true,
      needs: contentsWrite,
    },
    (store, repo, request) => store.deleteRef(repo, request.params.ref ?? ''),
  ),
];

/**
 * `browser_download_url`: `/{owner}/{repo}/releases/download/{tag}/{name}` on the sandbox's origin
 * (github.com's path; `untagged-<id>` for a draft). Not part of the REST API, so it is not in
 * GitHub's OpenAPI document and not among the routes listed; it needs a token like every sandbox route.
 */
export function downloadRoute({ store }: Services): Route {
  return {
    method: 'GET',
    template: '/{owner}/{repo}/releases/download/{path}',
    greedyLast: true,
    handle: ({ params, caller }) => {
      const repo = store.repo(params.owner ?? '', params.repo ?? '', docs.root);
      if (caller.kind === 'installation') checkGrant(caller.grant, repo, contentsRead, docs.root);
      const path = params.path ?? '';
      const tag = path.slice(0, path.lastIndexOf('/'));
      const name = path.slice(path.lastIndexOf('/') + 1);
      const draftId = /^untagged-(\d+)$/.exec(tag)?.[1];
      const owning = repo.releases.find((candidate) =>
        draftId === undefined
          ? !candidate.draft && candidate.tag_name === tag
          : candidate.id === Number(draftId),
      );
      const asset = repo.assets.find(
        (candidate) =>
          candidate.release_id === owning?.id && candidate.name === name && candidate.state === 'uploaded',
      );
      if (!owning || !asset) throw notFound(docs.root);
      return {
        status: 200,
        body: undefined,
        stream: store.assets.bytes(asset),
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(asset.size),
          'content-disposition': `attachment; filename=${asset.name}`,
        },
      };
    },
  };
}
