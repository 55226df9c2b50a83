/**
 * The carry from step to step of a release with assets, one line whatever the number of assets
 * (each write's input holds it, so the history stays linear):
 * `<release id> <commit sha> <upload_url> <fresh|taken> <link>`. The upload URL is GitHub's answer,
 * checked before each upload against the configured origin (asset-steps.ts); `fresh` says the draft
 * had no assets when the first write took it (it created it, or adopted an empty one), so an
 * upload sends its bytes first and looks at the draft's assets only when GitHub answers that the
 * name is taken; the link is the next upload's (views.ts). It comes from the workflow's history,
 * so it is parsed strictly, and anything else refused.
 */
export interface Carry {
  releaseId: number;
  commit: string;
  uploadUrl: string;
  fresh: boolean;
  link: string;
}

const CARRY = /^([1-9][0-9]{0,14}) ([0-9a-f]{40}) (\S+) (fresh|taken) ([0-9a-f]{64})$/;

export const carryLine = ({ releaseId, commit, uploadUrl, fresh, link }: Carry): string =>
  [releaseId, commit, uploadUrl, fresh ? 'fresh' : 'taken', link].join(' ');

/** The carry's parts, or a RangeError (INTERNAL_ERROR, nothing sent) for anything not of its form. */
export function parseCarry(carry: string | undefined): Carry {
  const [, id, commit, uploadUrl, assets, link] = CARRY.exec(carry ?? '') ?? [];
  if (!id || !commit || !uploadUrl || !link)
    throw new RangeError(
      `its carry ${JSON.stringify(carry)} is not "<release id> <sha> <upload_url> <fresh|taken> <link>"`,
    );
  return { releaseId: Number(id), commit, uploadUrl, fresh: assets === 'fresh', link };
}

/** The same carry with the next upload's link. */
export const passedOn = (carry: Carry, link: string): string => carryLine({ ...carry, link });
