import type { GitHubCalls } from '../../github/calls.js';
import { linkOf, type UploadView } from './views.js';

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

/**
 * Before an upload sends anything: the upload URL in the carry (GitHub's answer to write 0, but
 * read from the workflow's history) is the one the configured uploads origin gives the view's
 * repository and the carried release. The upload itself goes to that configured URL (calls.ts), so
 * this refuses a carry that would aim the bytes elsewhere rather than trusting it.
 */
function assertUploadUrl(calls: GitHubCalls, repository: string, carry: Carry): void {
  const expected = `${calls.releaseAssetsUrl(repository, carry.releaseId)}{?name,label}`;
  if (carry.uploadUrl === expected) return;
  const origin = (url: string) => (URL.canParse(url) ? new URL(url).origin : url);
  const which =
    origin(carry.uploadUrl) === origin(expected)
      ? `not the path of ${repository}'s release ${carry.releaseId}`
      : 'not on the configured uploads origin';
  throw new RangeError(
    `The carried upload URL ${carry.uploadUrl} is ${which} (${expected}); nothing was sent`,
  );
}

/** The carry an upload is handed, parsed, its link the one `view` hashes to (views.ts), or a RangeError. */
function boundCarry(view: UploadView, carry: string | undefined): Carry {
  const carried = parseCarry(carry);
  if (linkOf(view) !== carried.link)
    throw new RangeError(
      `The view of asset ${view.index} is not the authorized request's (its link differs from the carry's); nothing was sent`,
    );
  return carried;
}

/** An upload's carry: bound to its view and aimed at the configured uploads origin, or a RangeError (nothing sent). */
export function checkedCarry(calls: GitHubCalls, view: UploadView, handed: string | undefined): Carry {
  const carry = boundCarry(view, handed);
  assertUploadUrl(calls, view.repository, carry);
  return carry;
}
