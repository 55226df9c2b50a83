import { z } from 'zod';
import {
  ArtifactMismatchError,
  ArtifactMissingError,
  type ArtifactStore,
  readVerifiedArtifact,
} from '../../artifacts/index.js';
import { AdoptionConflict, assertAdoptable, differences } from '../../github/adoption.js';
import type { GitHubCalls } from '../../github/calls.js';
import { gitReads } from '../../github/git-reads.js';
import { splitRepository } from '../../github/plan.js';
import type { AssetNow } from '../../shared.js';
import type { StepContext, WriteStep } from '../operation.js';
import { type ExistingReleaseCommit, releaseFields, releaseTagFields } from './adoption.js';
import { assetDifference, assetDifferences, assetNow, type ReleaseAsset } from './asset-set.js';
import { type Asset, uploadTimeoutMs } from './assets.js';
import { carryLine, checkedCarry, parseCarry, passedOn } from './carry.js';
import { checkedEffect } from './checked-release.js';
import { draftWrite, publicationBody } from './github.js';
import {
  type AssetRequest,
  assetPages,
  assetSchema,
  type Release,
  releaseCalls,
  withAssets,
} from './release-reads.js';
import { LAST_LINK, linkOf, type ReleaseView, type UploadView, uploadViews } from './views.js';

/*
 * A release with assets, in GitHub's recommended order: a draft, every asset uploaded and checked,
 * then publication. Each step is idempotent (it adopts what is already there, reading before it
 * writes or, for an upload on a fresh draft, after GitHub refuses the name), and a failure leaves
 * at most a draft: nothing is published until the draft's assets are exactly the authorized ones.
 */

const carryOf = (release: Release, commit: string, request: AssetRequest): string =>
  carryLine({
    releaseId: release.id,
    commit,
    uploadUrl: release.upload_url,
    fresh: (release.assets?.length ?? 0) === 0,
    link: linkOf(uploadViews(request)[0] as UploadView),
  });

/** Every artifact is in the store with its authorized size, or nothing is written to GitHub. */
async function assertArtifactsStored(store: ArtifactStore, assets: readonly Asset[]): Promise<void> {
  for (const asset of assets) {
    const opened = await store.open(asset.sha256);
    if (!opened.found) throw new ArtifactMissingError(asset, store.location);
    if (opened.size !== asset.size) throw new ArtifactMismatchError(asset, { size: opened.size });
  }
}

/** A draft of the tag with every authorized field, its target resolving to the authorized commit. */
async function matchingDraft(
  calls: GitHubCalls,
  authorized: AssetRequest & { commit: string },
  releases: readonly Release[],
): Promise<Release | undefined> {
  const git = gitReads(calls);
  for (const draft of releases) {
    const sha = await git.findCommit(authorized.repository, draft.target_commitish);
    const commit: ExistingReleaseCommit = { via: 'target', target: draft.target_commitish, sha };
    if (differences(releaseFields, { ...draft, commit }, { ...authorized, draft: true }).length === 0)
      return draft;
  }
  return undefined;
}

/**
 * Write 0: every artifact checked in the store, the commit resolved, the tag's releases listed
 * (drafts included). An identical published release is adopted as the effect; otherwise a matching
 * draft is adopted, or a draft is created at the SHA. Answers the carry (carry.ts), with the first
 * upload's link.
 */
const draftStep: WriteStep<AssetRequest> = {
  cost: { writes: 1, reads: 6 },
  async run({ calls, artifacts }: StepContext, request) {
    await assertArtifactsStored(artifacts, request.assets);
    const git = gitReads(calls);
    const commit = await git.resolveCommit(request.repository, request.target_commitish);
    const releases = await releaseCalls(calls, request).ofTag();
    const published = releases.find((release) => !release.draft);
    if (published) return { effect: await checkedEffect(calls, request, published, commit, true) };
    const tag = await git.findTag(request.repository, request.tag_name);
    if (tag)
      assertAdoptable(`Tag ${request.tag_name}`, differences(releaseTagFields, tag, { ...request, commit }));
    const release =
      (await matchingDraft(calls, { ...request, commit }, releases)) ??
      (await calls.send(
        draftWrite({ ...request, target_commitish: commit }),
        request.repository,
        withAssets,
      ));
    return { carry: carryOf(release, commit, request) };
  },
};

/** The verified stream's own failure (missing or changed bytes) rather than the upload's "fetch failed". */
async function uploadVerified(
  { calls, artifacts }: StepContext,
  request: UploadView,
  releaseId: number,
  leftover: ReleaseAsset | undefined,
) {
  const { asset } = request;
  const bytes = await readVerifiedArtifact(artifacts, asset);
  let streamError: unknown;
  bytes.on('error', (error) => {
    streamError = error;
  });
  try {
    if (leftover) {
      const params = { ...splitRepository(request.repository), asset_id: leftover.id };
      await calls.write('DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}', params, z.unknown());
    }
    return await calls.upload(
      {
        repository: request.repository,
        releaseId,
        name: asset.name,
        label: asset.label,
        contentType: asset.content_type,
        size: asset.size,
        bytes,
      },
      assetSchema,
    );
  } catch (error) {
    bytes.destroy();
    throw streamError instanceof ArtifactMismatchError ? streamError : error;
  }
}

/** GitHub's 422 for an upload whose name the release already has (the release-assets-conflict recording). */
const nameTaken = (error: unknown) => {
  const { status, response } = error as { status?: number; response?: { data?: { errors?: unknown } } };
  const errors = response?.data?.errors;
  return (
    status === 422 &&
    Array.isArray(errors) &&
    errors.some((found) => (found as { code?: unknown })?.code === 'already_exists')
  );
};

/**
 * What to do with the draft's asset of the authorized name: none, or a leftover that is not fully
 * uploaded, is (re)placed by the upload (answers true); an uploaded one with the authorized digest
 * is adopted (answers false); one with another digest is a CONFLICT naming both digests.
 */
function needsUpload(existing: ReleaseAsset | undefined, view: UploadView): boolean {
  if (existing?.state !== 'uploaded') return true;
  const difference = assetDifference(existing, view.asset);
  if (difference) throw new AdoptionConflict(`Release ${view.tag_name}: ${difference}; nothing was changed.`);
  return false;
}

/**
 * Writes 1…n, one per asset, each from its upload view: adopted when the draft already has it
 * uploaded with the authorized digest; a `starter` (or partial) leftover of that name is deleted
 * and the bytes uploaded again; an uploaded asset of that name with another digest is a CONFLICT.
 * The bytes stream from the artifact store, checked as they go.
 *
 * On a fresh draft (carry.ts) the upload is sent first: a name can only be taken there by this
 * execution's own earlier attempt (a crash, a 502's starter, an answer lost after GitHub accepted)
 * or by someone else, and GitHub answers each with 422 `already_exists`, as the sandbox does; only
 * then is the draft's asset list read, up to that name. So a release costs one write an asset and
 * no read, instead of the whole list each time (5522 pages for 1000 assets). On a draft that had
 * assets when it was adopted, an earlier execution uploaded them in this order, so the one page
 * where this asset would be is read first: an asset already there is adopted without its bytes or
 * a refused write; one not on its page is uploaded as on a fresh draft, and GitHub's 422 still
 * catches it anywhere else. The declared write is the upload; on the recovery path a refused upload
 * and a deletion come before it, as a deletion always did. Before anything is sent, the view and
 * the carry are checked (checkedCarry, carry.ts); the step answers the carry with the next
 * upload's link.
 */
const assetStep = ({ asset, asset_count }: UploadView): WriteStep<UploadView> => ({
  cost: { writes: 1, reads: 1 + assetPages(asset_count) },
  timeoutMs: uploadTimeoutMs(asset),
  async run(context, view, handed) {
    const carry = checkedCarry(context.calls, view, handed);
    const { releaseId, fresh } = carry;
    const reads = releaseCalls(context.calls, view);
    const answer = { carry: passedOn(carry, view.next) };
    let existing = fresh ? undefined : await reads.assetAt(releaseId, view.index, asset.name);
    if (!needsUpload(existing, view)) return answer;
    const uploaded = await uploadVerified(context, view, releaseId, existing).catch(
      async (error: unknown) => {
        if (existing || !nameTaken(error)) throw error;
        existing = await reads.asset(releaseId, asset.name);
        if (!needsUpload(existing, view)) return undefined;
        return uploadVerified(context, view, releaseId, existing);
      },
    );
    if (!uploaded) return answer;
    const difference = assetDifference(uploaded, asset);
    if (difference) throw new AdoptionConflict(`Release ${view.tag_name}: after the upload, ${difference}.`);
    return answer;
  },
});

/**
 * The last write: the draft read back, its asset set exactly the authorized one, then published
 * (publicationBody), read back again and checked. A release already published by a
 * lost earlier answer is checked the same way.
 */
const publishDraftStep = (request: AssetRequest): WriteStep<AssetRequest> => ({
  // The release and its assets before, then after: the release, its assets, its tag (peeled), the setting.
  cost: { writes: 1, reads: 6 + 2 * assetPages(request.assets.length) },
  async run({ calls }, request, carry) {
    const { releaseId, commit, link } = parseCarry(carry);
    // Each upload passes on its view's `next`: only a carry that went through all of them reaches the last.
    if (link !== LAST_LINK)
      throw new RangeError(
        'The carry did not pass every authorized upload (its link is not the last); nothing was sent',
      );
    const reads = releaseCalls(calls, request);
    let release = await reads.get(releaseId);
    if (release.draft && !request.draft) {
      const found = assetDifferences(await reads.assets(releaseId), request.assets);
      if (found.length > 0) {
        throw new AdoptionConflict(
          `Draft release ${request.tag_name} ${found.join(', and ')}; it was not published.`,
        );
      }
      release = await calls.write(
        'PATCH /repos/{owner}/{repo}/releases/{release_id}',
        {
          ...splitRepository(request.repository),
          release_id: releaseId,
          ...publicationBody({ ...request, target_commitish: commit }),
        },
        withAssets,
      );
    }
    return { effect: await checkedEffect(calls, request, release, commit, false) };
  },
});

/**
 * Each write's view of a release with assets: the whole request for the draft and the publication
 * (they check every asset), and for each upload only its asset, chained (views.ts), so the views
 * grow with the assets.
 */
export const assetViews = (request: AssetRequest): [ReleaseView, ...ReleaseView[]] => [
  request,
  ...uploadViews(request),
  request,
];

/**
 * Write `write` of a release with assets, from its view: the draft (0), the upload of asset
 * `write - 1`, the publication (after the last asset). A view handed to another write is refused.
 */
export function assetWrite(view: AssetRequest | UploadView, write: number): WriteStep<ReleaseView> {
  if ('asset' in view) {
    if (view.index + 1 !== write || view.index >= view.asset_count)
      throw new RangeError(`asset ${view.index} of ${view.asset_count} is not write ${write}`);
    return assetStep(view);
  }
  if (write === 0) return draftStep;
  if (write === view.assets.length + 1) return publishDraftStep(view);
  throw new RangeError(`${view.operation_kind} with ${view.assets.length} assets has no write ${write}`);
}

/**
 * Read-only, for `plan`: each authorized asset as the tag's release holds it now (the published
 * one, else the draft the first write would adopt); missing where there is neither.
 */
export async function assetsNow({ calls }: StepContext, request: AssetRequest): Promise<AssetNow[]> {
  const reads = releaseCalls(calls, request);
  const releases = await reads.ofTag();
  const commit = await gitReads(calls).findCommit(request.repository, request.target_commitish);
  const release =
    releases.find((found) => !found.draft) ??
    (commit ? await matchingDraft(calls, { ...request, commit }, releases) : undefined);
  const existing = release ? await reads.assets(release.id) : [];
  return request.assets.map((asset) => ({
    name: asset.name,
    now: assetNow(
      existing.find((found) => found.name === asset.name),
      asset,
    ),
  }));
}
