import type { GitHubWritePlan } from '../shared.js';

/**
 * The exact GitHub write requests an operation sends. Dry-run returns them as its
 * plan, and the operations send these same bodies, so the plan cannot drift from
 * what production does.
 */
export type GitHubWrite = GitHubWritePlan;

export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

/** `POST /repos/{owner}/{repo}/<suffix>` on `repository`, with `body`. */
export const postWrite = (
  repository: string,
  suffix: string,
  body: Record<string, unknown>,
): GitHubWrite => ({
  method: 'POST',
  route: `/repos/{owner}/{repo}/${suffix}`,
  path: `/repos/${repository}/${suffix}`,
  body,
});

/** `POST /repos/{owner}/{repo}/<suffix>` on the request's repository, with its `fields` it has, in that order. */
export const postFields = <R extends { repository: string }>(
  request: R,
  suffix: string,
  fields: readonly (keyof R & string)[],
): GitHubWrite =>
  postWrite(
    request.repository,
    suffix,
    // An optional field the request leaves out is not sent: GitHub's default applies.
    Object.fromEntries(
      fields.flatMap((field) => (request[field] === undefined ? [] : [[field, request[field]]])),
    ),
  );
