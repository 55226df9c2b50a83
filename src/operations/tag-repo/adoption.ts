import { type Field, shortSha } from '../../github/adoption.js';
import type { ExistingTag } from '../../github/git-reads.js';

/** A tag request: `message` present asks for an annotated tag. */
export interface AuthorizedTag {
  sha: string;
  message?: string | undefined;
}

/** GitHub ends a tag message with a newline the request did not have. */
const sameMessage = (a: string, b: string) => a.trimEnd() === b.trimEnd();

/** An existing tag is adopted only when it names the same commit with the same kind and message. */
export const tagFields: Field<ExistingTag, AuthorizedTag>[] = [
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
];
