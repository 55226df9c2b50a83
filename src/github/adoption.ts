/**
 * What "adopt an existing object" compares, in one place. An object found on GitHub is
 * adopted only when every field the receipt authorizes matches; any difference is a
 * CONFLICT that names it. Pure: the activities read GitHub, this decides.
 */

/** One authorized field that the existing object does not match, phrased for a message. */
export interface Difference {
  field: string;
  description: string;
}

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

/** An existing tag: the commit it names, and its tag object's message when annotated. */
export interface ExistingTag {
  commit: string;
  annotation?: { message: string } | undefined;
}

/** A tag_repo request: `message` present asks for an annotated tag. */
export interface AuthorizedTag {
  sha: string;
  message?: string | undefined;
}

/** Both sides of a pull request; `head` is the `owner:branch` label. */
export interface PullRequestFields {
  head: string;
  base: string;
  title: string;
  body: string | null;
  /** GitHub may leave it out; unknown never matches. */
  draft?: boolean | undefined;
}

interface Comparisons {
  release: { existing: ExistingRelease; authorized: AuthorizedRelease };
  /** The tag a new release would be attached to: GitHub ignores target_commitish when it exists. */
  release_tag: { existing: ExistingTag; authorized: Pick<AuthorizedRelease, 'target_commitish' | 'commit'> };
  tag: { existing: ExistingTag; authorized: AuthorizedTag };
  pull_request: { existing: PullRequestFields; authorized: PullRequestFields };
}
export type AdoptionKind = keyof Comparisons;

interface Field<E, A> {
  field: string;
  same(existing: E, authorized: A): boolean;
  describe(existing: E, authorized: A): string;
}
type Fields<K extends AdoptionKind> = Field<Comparisons[K]['existing'], Comparisons[K]['authorized']>[];

export const shortSha = (sha: string): string => sha.slice(0, 7);
const quoted = (text: string | null | undefined): string => JSON.stringify(text ?? '');
/** GitHub stores an empty body as null. */
const sameText = (a: string | null | undefined, b: string | null | undefined) => (a ?? '') === (b ?? '');
/** GitHub ends a tag message with a newline the request did not have. */
const sameMessage = (a: string, b: string) => a.trimEnd() === b.trimEnd();

/** `main (1f3a9c2)`, or just `1f3a9c2` when the authorized commit-ish is the SHA itself. */
const authorizedCommit = ({
  target_commitish,
  commit,
}: Pick<AuthorizedRelease, 'target_commitish' | 'commit'>) =>
  target_commitish === commit ? shortSha(commit) : `${target_commitish} (${shortSha(commit)})`;

const existingReleaseCommit = (commit: ExistingReleaseCommit): string => {
  if (commit.via === 'tag') return `its tag points at ${shortSha(commit.sha)}`;
  const resolved = commit.sha === undefined ? 'no commit' : shortSha(commit.sha);
  return `its target ${commit.target} resolves to ${resolved}`;
};

const FIELDS: { [K in AdoptionKind]: Fields<K> } = {
  release: [
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
    {
      field: 'body',
      same: (existing, authorized) => sameText(existing.body, authorized.body),
      describe: () => 'its body differs',
    },
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
  ],
  release_tag: [
    {
      field: 'commit',
      same: (existing, authorized) => existing.commit === authorized.commit,
      describe: (existing, authorized) =>
        `points at ${shortSha(existing.commit)}, not ${authorizedCommit(authorized)}`,
    },
  ],
  tag: [
    {
      field: 'sha',
      same: (existing, authorized) => existing.commit === authorized.sha,
      describe: (existing, authorized) =>
        `points at ${shortSha(existing.commit)}, not ${shortSha(authorized.sha)}`,
    },
    {
      field: 'kind',
      same: (existing, authorized) =>
        (existing.annotation === undefined) === (authorized.message === undefined),
      describe: (existing) =>
        existing.annotation ? 'is annotated, not lightweight' : 'is lightweight, not annotated',
    },
    {
      field: 'message',
      // Only annotated tags on both sides have messages to compare; a kind mismatch is named above.
      same: (existing, authorized) =>
        existing.annotation === undefined ||
        authorized.message === undefined ||
        sameMessage(existing.annotation.message, authorized.message),
      describe: () => 'its message differs',
    },
  ],
  pull_request: [
    {
      field: 'head',
      same: (existing, authorized) => existing.head === authorized.head,
      describe: (existing, authorized) => `its head is ${existing.head}, not ${authorized.head}`,
    },
    {
      field: 'base',
      same: (existing, authorized) => existing.base === authorized.base,
      describe: (existing, authorized) => `its base is ${existing.base}, not ${authorized.base}`,
    },
    {
      field: 'title',
      same: (existing, authorized) => existing.title === authorized.title,
      describe: (existing, authorized) =>
        `its title is ${quoted(existing.title)}, not ${quoted(authorized.title)}`,
    },
    {
      field: 'body',
      same: (existing, authorized) => sameText(existing.body, authorized.body),
      describe: () => 'its body differs',
    },
    {
      field: 'draft',
      same: (existing, authorized) => existing.draft === authorized.draft,
      describe: (existing) => {
        if (existing.draft === undefined) return 'GitHub does not say whether it is a draft';
        return existing.draft ? 'it is a draft, not ready for review' : 'it is ready for review, not a draft';
      },
    },
  ],
};

/** The authorized fields of `kind` on which `existing` differs; empty means adopt. */
export function differences<K extends AdoptionKind>(
  kind: K,
  existing: Comparisons[K]['existing'],
  authorized: Comparisons[K]['authorized'],
): Difference[] {
  const fields: Fields<K> = FIELDS[kind];
  return fields
    .filter((field) => !field.same(existing, authorized))
    .map((field) => ({ field: field.field, description: field.describe(existing, authorized) }));
}

/** One sentence: "Release v1.0.0 exists but its tag points at 1f3a9c2, not main (2e4b6d8); nothing was changed." */
export function conflictMessage(subject: string, found: readonly Difference[]): string {
  return `${subject} exists but ${found.map((difference) => difference.description).join(', and ')}; nothing was changed.`;
}
