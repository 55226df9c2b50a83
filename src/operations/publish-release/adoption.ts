import { bodyField, type Field, quoted, sameText, shortSha } from '../../github/adoption.js';
import type { ExistingTag } from '../../github/git-reads.js';

/** Where an existing release's commit comes from: its tag, or (a draft without a tag) its target. */
export type ExistingReleaseCommit =
  | { via: 'tag'; sha: string }
  /** `sha` is undefined when the target no longer names a commit. */
  | { via: 'target'; target: string; sha: string | undefined };

export interface ExistingRelease {
  name: string | null;
  body?: string | null | undefined;
  draft: boolean;
  prerelease: boolean;
  commit: ExistingReleaseCommit;
}

/** The authorized release, with `commit` the SHA its target_commitish resolved to. */
export interface AuthorizedRelease {
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  target_commitish: string;
  commit: string;
}

type AuthorizedCommit = Pick<AuthorizedRelease, 'target_commitish' | 'commit'>;

/** `main (1f3a9c2)`, or just `1f3a9c2` when the authorized commit-ish is the SHA itself. */
const authorizedCommit = ({ target_commitish, commit }: AuthorizedCommit) =>
  target_commitish === commit ? shortSha(commit) : `${target_commitish} (${shortSha(commit)})`;

const existingReleaseCommit = (commit: ExistingReleaseCommit): string => {
  if (commit.via === 'tag') return `its tag points at ${shortSha(commit.sha)}`;
  const resolved = commit.sha === undefined ? 'no commit' : shortSha(commit.sha);
  return `its target ${commit.target} resolves to ${resolved}`;
};

/** An existing release is adopted only when every authorized field matches, its commit included. */
export const releaseFields: Field<ExistingRelease, AuthorizedRelease>[] = [
  {
    field: 'commit',
    same: (existing, authorized) => existing.commit.sha === authorized.commit,
    describe: (existing, authorized) =>
      `${existingReleaseCommit(existing.commit)}, not ${authorizedCommit(authorized)}`,
  },
  {
    field: 'name',
    same: (existing, authorized) => sameText(existing.name, authorized.name),
    describe: (existing, authorized) =>
      `its name is ${quoted(existing.name)}, not ${quoted(authorized.name)}`,
  },
  bodyField,
  {
    field: 'draft',
    same: (existing, authorized) => existing.draft === authorized.draft,
    describe: (existing) =>
      existing.draft ? 'it is a draft, not published' : 'it is published, not a draft',
  },
  {
    field: 'prerelease',
    same: (existing, authorized) => existing.prerelease === authorized.prerelease,
    describe: (existing) =>
      existing.prerelease
        ? 'it is a prerelease, not a full release'
        : 'it is a full release, not a prerelease',
  },
];

/** The tag a new release would be attached to: GitHub ignores target_commitish when it exists. */
export const releaseTagFields: Field<ExistingTag, AuthorizedCommit>[] = [
  {
    field: 'commit',
    same: (existing, authorized) => existing.commit === authorized.commit,
    describe: (existing, authorized) =>
      `points at ${shortSha(existing.commit)}, not ${authorizedCommit(authorized)}`,
  },
];
