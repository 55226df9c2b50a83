import type { z } from 'zod';
import type { GitHubCalls } from './calls.js';
import { splitRepository } from './plan.js';
import { commitSchema, refSchema, tagObjectSchema } from './responses.js';

/** An existing tag: the commit it names, and its tag object's message when annotated. */
export interface ExistingTag {
  commit: string;
  annotation?: { message: string } | undefined;
}

export interface FoundTag extends ExistingTag {
  ref: z.infer<typeof refSchema>;
}

const COMMIT_ROUTE = 'GET /repos/{owner}/{repo}/commits/{ref}';
/** GitHub's answer for a commit-ish that names no commit: 422 "No commit found for SHA: …". */
const NO_SUCH_COMMIT = 422;

/** The reads adoption needs: which commit a commit-ish or a tag names. */
export function gitReads({ call, find }: GitHubCalls) {
  return {
    /** The SHA of the commit a branch, tag or SHA names; fails as GitHub's 422 when there is none. */
    async resolveCommit(repository: string, commitish: string): Promise<string> {
      const commit = await call(
        COMMIT_ROUTE,
        { ...splitRepository(repository), ref: commitish },
        commitSchema,
      );
      return commit.sha;
    },

    /** Like resolveCommit, but a commit-ish that names no commit is undefined. */
    async findCommit(repository: string, commitish: string): Promise<string | undefined> {
      const params = { ...splitRepository(repository), ref: commitish };
      return (await find(COMMIT_ROUTE, params, commitSchema, NO_SUCH_COMMIT))?.sha;
    },

    /** refs/tags/<tag> and the commit it names: an annotated tag's object is peeled to its commit. */
    async findTag(repository: string, tag: string): Promise<FoundTag | undefined> {
      const repo = splitRepository(repository);
      const ref = await find(
        'GET /repos/{owner}/{repo}/git/ref/{ref}',
        { ...repo, ref: `tags/${tag}` },
        refSchema,
      );
      if (!ref) return undefined;
      if (ref.object.type !== 'tag') return { ref, commit: ref.object.sha };
      const object = await call(
        'GET /repos/{owner}/{repo}/git/tags/{tag_sha}',
        { ...repo, tag_sha: ref.object.sha },
        tagObjectSchema,
      );
      return { ref, commit: object.object.sha, annotation: { message: object.message } };
    },
  };
}
