import { AdoptionConflict, differences } from '../../github/adoption.js';
import type { GitHubCalls, GitHubEffect } from '../../github/calls.js';
import { gitReads } from '../../github/git-reads.js';
import { responseSha256 } from '../../github/responses.js';
import { type ExistingReleaseCommit, releaseFields } from './adoption.js';
import { assetDifferences, reportedAssets } from './asset-set.js';
import { type AssetRequest, type Release, releaseCalls } from './release-reads.js';

/**
 * The release as GitHub reports it now, checked against the authorization: draft or published as
 * asked, its tag at the commit once published, exactly the authorized assets, and immutable where
 * the repository has immutable releases on. Any difference is a CONFLICT that says whether the
 * release is immutable, and so unfixable under its tag.
 */
export async function checkedEffect(
  calls: GitHubCalls,
  request: AssetRequest,
  release: Release,
  commit: string,
  adopted: boolean,
): Promise<GitHubEffect> {
  const reads = releaseCalls(calls, request);
  const git = gitReads(calls);
  const assets = await reads.assets(release.id);
  const existingCommit: ExistingReleaseCommit = release.draft
    ? {
        via: 'target',
        target: release.target_commitish,
        sha: await git.findCommit(request.repository, release.target_commitish),
      }
    : { via: 'tag', sha: (await git.findTag(request.repository, request.tag_name))?.commit ?? 'no tag' };
  const found = [
    ...differences(releaseFields, { ...release, commit: existingCommit }, { ...request, commit }).map(
      (difference) => difference.description,
    ),
    ...assetDifferences(assets, request.assets),
  ];
  if (!release.draft && (await reads.immutableReleases()) === true && release.immutable !== true) {
    found.push('it is not immutable although the repository has immutable releases on');
  }
  if (found.length > 0) {
    const fixable = release.immutable
      ? 'it is immutable, so this tag cannot carry the authorized release'
      : 'it is not immutable';
    // Adopting, nothing was written; after publishing, the read-back is what disagrees.
    const written = adopted ? 'nothing was changed' : 'found reading it back after publishing';
    throw new AdoptionConflict(
      `Release ${request.tag_name} exists but ${found.join(', and ')}; ${fixable}; ${written}.`,
    );
  }
  return {
    url: release.html_url,
    id: String(release.id),
    adopted,
    identifiers: {
      release_id: release.id,
      assets: reportedAssets(assets),
      immutable: release.immutable === true,
    },
    responseSha256: responseSha256({ release, assets }),
  };
}
