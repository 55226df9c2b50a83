import { createHash } from 'node:crypto';
import { RequestError } from '@octokit/request-error';
import type { Octokit } from '@octokit/rest';
import { registerSecret } from '../logging/logger.js';
import { createOctokit } from './octokit.js';
import { splitRepository } from './plan.js';

/**
 * The GitHub App permissions an operation may need (each kind names its least one, see
 * src/operations): `write` to ship it, `read` to preview it.
 */
export type Permission = 'contents' | 'pull_requests';
export type Access = 'read' | 'write';

/**
 * Who a GitHub request acts as, as the audit record states it: a token by a fingerprint that
 * cannot be turned back into it, an App installation by its id with the permissions its token
 * was scoped to. `id` also names the identity's budget.
 */
export interface GitHubIdentity {
  kind: 'token' | 'app_installation';
  id: string;
  installation_id?: number;
  permissions?: Record<string, 'read' | 'write' | 'admin'>;
}

export interface ActingAs {
  octokit: Octokit;
  identity: GitHubIdentity;
}

export interface GitHubIdentities {
  /** The client and identity for one operation on `repository` that needs `permission: access`. */
  forOperation(repository: string, permission: Permission, access?: Access): Promise<ActingAs>;
}

type Authentication = { type: 'token'; token: string } | { type: 'app' } | { type: 'unauthenticated' };

type Permissions = Record<string, 'read' | 'write' | 'admin'>;

interface InstallationToken {
  token: string;
  permissions: Permissions;
  expiresAt: string;
}

const fingerprint = (token: string) =>
  `token:sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;

/**
 * What GitHub granted each installation token, by fingerprint. auth-app reports it when it
 * creates a token (`metadata: read` included), but for the same token from its cache it reports
 * what was asked for; every record of one token should say the same.
 */
function grantedPermissions() {
  const granted = new Map<string, { permissions: Permissions; expiresAt: number }>();
  return (token: InstallationToken): Permissions => {
    const now = Date.now();
    for (const [key, entry] of granted) if (entry.expiresAt <= now) granted.delete(key);
    const key = fingerprint(token.token);
    const known = granted.get(key);
    if (known) return known.permissions;
    // GitHub's installation tokens last an hour; an unreadable expiry is taken as that.
    const expiresAt = Date.parse(token.expiresAt) || now + 3_600_000;
    granted.set(key, { permissions: token.permissions, expiresAt });
    return token.permissions;
  };
}

/**
 * Identities from the executor's Octokit. With a token, every operation is that token. With
 * a GitHub App (an Octokit on @octokit/auth-app without an installation), each operation finds
 * the installation on the repository's owner (an override from GITHUB_APP_INSTALLATIONS, else
 * GET /repos/{owner}/{repo}/installation, cached per owner) and gets a token scoped to that one
 * repository and one permission, read or write; auth-app caches such tokens until a minute before they expire.
 */
export function githubIdentities(
  octokit: Octokit,
  installations: Readonly<Record<string, number>> = {},
): GitHubIdentities {
  let authentication: Promise<Authentication> | undefined;
  const byOwner = new Map<string, Promise<number>>();
  const permissionsOf = grantedPermissions();

  async function lookUpInstallation(owner: string, repo: string): Promise<number> {
    try {
      const { data } = await octokit.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
      return data.id;
    } catch (error) {
      if (!(error instanceof RequestError) || error.status !== 404) throw error;
      throw new RequestError(
        `The GitHub App is not installed on ${owner}/${repo}; install it there, or name the installation in GITHUB_APP_INSTALLATIONS (${owner}=<id>).`,
        404,
        { request: error.request, response: error.response },
      );
    }
  }

  function installationOf(owner: string, repo: string): Promise<number> {
    const known = installations[owner];
    if (known !== undefined) return Promise.resolve(known);
    let found = byOwner.get(owner);
    if (!found) {
      found = lookUpInstallation(owner, repo);
      byOwner.set(owner, found);
      // A failed lookup is not remembered: the App may be installed a minute later.
      found.catch(() => byOwner.delete(owner));
    }
    return found;
  }

  return {
    async forOperation(repository, permission, access = 'write') {
      // A token's auth ignores the argument; an App's needs it (and answers with its JWT).
      authentication ??= octokit.auth({ type: 'app' }) as Promise<Authentication>;
      const auth = await authentication;
      if (auth.type !== 'app') {
        const id = auth.type === 'token' ? fingerprint(auth.token) : 'unauthenticated';
        return { octokit, identity: { kind: 'token', id } };
      }
      const { owner, repo } = splitRepository(repository);
      const installationId = await installationOf(owner, repo);
      const scoped = (await octokit.auth({
        type: 'installation',
        installationId,
        repositoryNames: [repo],
        permissions: { [permission]: access },
      })) as InstallationToken;
      registerSecret(scoped.token);
      return {
        octokit: createOctokit(
          octokit.request.endpoint.DEFAULTS.baseUrl,
          { kind: 'token', token: scoped.token },
          octokit.log,
        ),
        identity: {
          kind: 'app_installation',
          id: `installation:${installationId}`,
          installation_id: installationId,
          permissions: permissionsOf(scoped),
        },
      };
    },
  };
}
