import type { Grant } from './caller.js';
import type { InstallationConfig, Permissions } from './config.js';
import { GitHubError, notFound, unprocessable } from './github-errors.js';
import type { AccessTokenRequest } from './request-bodies.js';

/** An installation as the sandbox keeps it: its config and the App it belongs to. */
export interface Installation extends InstallationConfig {
  appId: number;
}

/** A repository as far as access goes. */
export interface RepoRef {
  id: number;
  owner: string;
  name: string;
}

/** What an endpoint needs of an installation token, e.g. `['contents', 'write']`. */
export type Need = readonly [permission: string, level: 'read' | 'write'];

const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** GitHub grants every installation `metadata: read`, whatever else it was given. */
export const installationPermissions = (installation: InstallationConfig): Permissions => ({
  metadata: 'read',
  ...installation.permissions,
});

/** Whether the installation can see the repository: its account's, and selected if it selects. */
export function installationSees(installation: InstallationConfig, repo: Omit<RepoRef, 'id'>): boolean {
  if (!sameLogin(installation.account, repo.owner)) return false;
  const { repositories } = installation;
  return repositories === 'all' || repositories.some((name) => sameLogin(name, repo.name));
}

/** `write` includes `read`. */
export const permits = (permissions: Permissions, [name, level]: Need): boolean =>
  level === 'read' ? permissions[name] !== undefined : permissions[name] === 'write';

/**
 * The grant of a new token: the repositories asked for (by name or id; all the installation sees
 * when neither is given) and the permissions asked for (all granted ones when not given), or
 * GitHub's 422 when the request reaches past the installation.
 */
export function tokenGrant(
  installation: Installation,
  request: AccessTokenRequest,
  visible: readonly RepoRef[],
  documentationUrl: string,
): Grant | GitHubError {
  const granted = installationPermissions(installation);
  const asked = Object.entries(request.permissions ?? {});
  if (asked.some(([name, level]) => !permits(granted, [name, level]))) {
    return unprocessable('The permissions requested are not granted to this installation.', documentationUrl);
  }
  const names = request.repositories ?? [];
  const ids = request.repository_ids ?? [];
  const chosen = visible.filter(
    (repo) => ids.includes(repo.id) || names.some((n) => sameLogin(n, repo.name)),
  );
  const found = (name: string) => visible.some((repo) => sameLogin(repo.name, name));
  if (!names.every(found) || !ids.every((id) => visible.some((repo) => repo.id === id))) {
    return unprocessable(
      'There is at least one repository that does not exist or is not accessible to the parent installation.',
      documentationUrl,
    );
  }
  const scoped = names.length + ids.length > 0;
  const idsOf = (repos: readonly RepoRef[]) => repos.map((repo) => repo.id);
  const repositoryIds = scoped ? idsOf(chosen) : installation.repositories === 'all' ? 'all' : idsOf(visible);
  const permissions = asked.length > 0 ? { metadata: 'read' as const, ...request.permissions } : granted;
  return { installationId: installation.id, account: installation.account, repositoryIds, permissions };
}

/**
 * What GitHub answers an installation token on a repository endpoint: 404 for a repository it
 * cannot see (as if it did not exist), 403 "Resource not accessible by integration" with the
 * permission it lacks in `x-accepted-github-permissions`.
 */
export function checkGrant(grant: Grant, repo: RepoRef, need: Need, documentationUrl: string): void {
  const sees =
    sameLogin(grant.account, repo.owner) &&
    (grant.repositoryIds === 'all' || grant.repositoryIds.includes(repo.id));
  if (!sees) throw notFound(documentationUrl);
  if (!permits(grant.permissions, need)) throw notAccessible(documentationUrl, need);
}

export const notAccessible = (documentationUrl: string, need?: Need): GitHubError =>
  new GitHubError(403, 'Resource not accessible by integration', documentationUrl, {
    headers: need ? { 'x-accepted-github-permissions': `${need[0]}=${need[1]}` } : {},
  });
