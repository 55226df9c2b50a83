import { type Asset, githubDigest } from './assets.js';

/** An asset as GitHub reports it (GET …/releases/{id}/assets). */
export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  digest?: string | null | undefined;
}

/** What a release's assets are to the authorization: one line each, none when they match. */
export function assetDifferences(existing: readonly ReleaseAsset[], authorized: readonly Asset[]): string[] {
  const byName = new Map(existing.map((asset) => [asset.name, asset]));
  const wanted = new Set(authorized.map((asset) => asset.name));
  const extra = existing
    .filter((asset) => !wanted.has(asset.name))
    .map((asset) => `it has the asset ${asset.name}, which was not authorized`);
  const authorizedOnes = authorized.flatMap((asset) => {
    const found = byName.get(asset.name);
    if (!found) return [`the asset ${asset.name} is missing`];
    const difference = assetDifference(found, asset);
    return difference ? [difference] : [];
  });
  return [...authorizedOnes, ...extra];
}

/** Why an existing asset of the authorized name is not the authorized one, if it is not. */
export function assetDifference(found: ReleaseAsset, asset: Asset): string | undefined {
  if (found.state !== 'uploaded')
    return `the asset ${asset.name} is not fully uploaded (state ${found.state})`;
  if (found.digest !== githubDigest(asset)) {
    return `the asset ${asset.name} has digest ${found.digest ?? 'none'}, not the authorized ${githubDigest(asset)}`;
  }
  return undefined;
}

/** The audit record's view of the assets: as GitHub reported them. */
export const reportedAssets = (assets: readonly ReleaseAsset[]) =>
  assets.map(({ name, size, digest }) => ({ name, size, digest: digest ?? null }));

/** What GitHub has now under an authorized asset's name, as `plan` shows it. */
export function assetNow(found: ReleaseAsset | undefined, asset: Asset): string {
  if (!found) return 'missing: it would be uploaded';
  if (found.state !== 'uploaded') return `${found.state} leftover: it would be deleted and uploaded again`;
  if (found.digest === githubDigest(asset)) return 'uploaded with the authorized digest: it would be adopted';
  return `uploaded with another digest (${found.digest?.slice(0, 19) ?? 'none'}…): a conflict`;
}
