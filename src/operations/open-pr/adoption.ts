import { bodyField, type Field, quoted } from '../../github/adoption.js';

/** Both sides of a pull request; `head` is the `owner:branch` label. */
export interface PullRequestFields {
  head: string;
  base: string;
  title: string;
  body: string | null;
  /** GitHub may leave it out; unknown never matches. */
  draft?: boolean | undefined;
}

/** The open pull request for the same head and base is adopted only when every authorized field matches. */
export const pullRequestFields: Field<PullRequestFields, PullRequestFields>[] = [
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
  bodyField,
  {
    field: 'draft',
    same: (existing, authorized) => existing.draft === authorized.draft,
    describe: (existing) => {
      if (existing.draft === undefined) return 'GitHub does not say whether it is a draft';
      return existing.draft ? 'it is a draft, not ready for review' : 'it is ready for review, not a draft';
    },
  },
];
