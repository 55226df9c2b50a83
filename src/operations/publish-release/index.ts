import type { GitHubWrite } from '../../github/plan.js';
import type { OperationModule } from '../operation.js';
import { assetsNow, assetWrites } from './asset-steps.js';
import { assetLine } from './assets.js';
import { draftWrite, plannedCommit, publicationBody, publishStep, releaseWrite } from './github.js';
import { publishReleaseRecordFields } from './record.js';
import { type PublishReleaseRequest, publishReleaseRequestSchema } from './request.js';

type WithAssets = PublishReleaseRequest & { assets: NonNullable<PublishReleaseRequest['assets']> };
const hasAssets = (request: PublishReleaseRequest): request is WithAssets =>
  (request.assets?.length ?? 0) > 0;

/** A release with assets: a draft, one upload per asset (its bytes named by size and sha256), the publication. */
function plannedWithAssets(request: WithAssets): GitHubWrite[] {
  const planned = plannedCommit(request);
  const release = `/repos/${request.repository}/releases/<id of the draft>`;
  const uploads = request.assets.map(
    (asset): GitHubWrite => ({
      method: 'POST',
      route: '/repos/{owner}/{repo}/releases/{release_id}/assets',
      path: `${release}/assets?name=${asset.name}`,
      body: { upload: assetLine(asset), content_type: asset.content_type },
    }),
  );
  const publication: GitHubWrite = {
    method: 'PATCH',
    route: '/repos/{owner}/{repo}/releases/{release_id}',
    path: release,
    body: publicationBody(planned),
  };
  return [draftWrite(planned), ...uploads, ...(request.draft ? [] : [publication])];
}

/** A GitHub release, published or draft, on the commit its target_commitish resolves to. */
export const publishRelease: OperationModule<PublishReleaseRequest> = {
  kind: 'publish_release',
  schema: publishReleaseRequestSchema,
  // Releases, their assets and their tags are repository contents.
  permission: 'contents',
  summary: (request) =>
    `${request.operation_kind} ${request.repository} ${request.tag_name}${hasAssets(request) ? ` (${request.assets.length} assets)` : ''}`,
  ref: (request) => request.target_commitish,
  plan: (request) =>
    hasAssets(request) ? plannedWithAssets(request) : [releaseWrite(plannedCommit(request))],
  writes: (request) =>
    hasAssets(request)
      ? (assetWrites(request) as ReturnType<OperationModule<PublishReleaseRequest>['writes']>)
      : [publishStep],
  assets: {
    listed: (request) =>
      (request.assets ?? []).map((asset) => ({ name: asset.name, line: assetLine(asset) })),
    now: async (context, request) => (hasAssets(request) ? assetsNow(context, request) : []),
  },
  record: publishReleaseRecordFields,
  example: {
    run_id: 'run-1',
    operation_kind: 'publish_release',
    repository: 'omega/marketops',
    tag_name: 'v1.0.0',
    name: 'v1.0.0',
    body: 'First release',
    target_commitish: 'main',
    draft: false,
    prerelease: false,
  },
};
