import type { Octokit } from '@octokit/rest';
import {
  type GitHubWrite,
  pullRequestWrite,
  releaseWrite,
  splitRepository,
  tagObjectWrite,
  tagRefWrite,
} from '../../src/github/plan.js';
import type { OperationRequest } from '../../src/receipts/index.js';

/**
 * The same GitHub calls the executor's activities make for a fresh operation (the existence
 * lookup, then the write or writes), sent straight from Octokit: no Temporal, no receipts, no audit.
 */
export async function performDirect(octokit: Octokit, request: OperationRequest): Promise<void> {
  const repo = splitRepository(request.repository);
  const lookup = (route: string, params: Record<string, unknown>) =>
    octokit.request(route, { ...repo, ...params }).catch((error: { status?: number }) => {
      if (error.status !== 404) throw error;
    });
  const send = (write: GitHubWrite) => octokit.request(`POST ${write.route}`, { ...repo, ...write.body });
  switch (request.operation_kind) {
    case 'publish_release':
      await lookup('GET /repos/{owner}/{repo}/releases/tags/{tag}', { tag: request.tag_name });
      await send(releaseWrite(request));
      return;
    case 'open_pr':
      await lookup('GET /repos/{owner}/{repo}/pulls', {
        head: `${repo.owner}:${request.head}`,
        base: request.base,
        state: 'open',
      });
      await send(pullRequestWrite(request));
      return;
    case 'tag_repo': {
      const ref = { ref: `tags/${request.tag}` };
      let target = request.sha;
      if (request.message !== undefined) {
        await lookup('GET /repos/{owner}/{repo}/git/ref/{ref}', ref);
        const tag = await send(tagObjectWrite({ ...request, message: request.message }));
        target = (tag.data as { sha: string }).sha;
      }
      await lookup('GET /repos/{owner}/{repo}/git/ref/{ref}', ref);
      await send(tagRefWrite(request, target));
    }
  }
}
