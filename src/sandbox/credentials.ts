import type { Account } from './accounts.js';
import { looksLikeJwt, verifyAppJwt } from './app-jwt.js';
import type { Caller } from './caller.js';
import type { SandboxConfig } from './config.js';
import { badCredentials, GitHubError } from './github-errors.js';
import { type Installation, installationSees } from './grants.js';
import { type Identity, installationPrimaryLimit } from './identity.js';
import type { Installations } from './installations.js';

/** The installation's own budget, scaled by GitHub's rule from what it can see and its account's members. */
function installationIdentity(
  installation: Installation,
  account: Account | undefined,
  config: SandboxConfig,
): Identity {
  const repositories = config.repos.filter((repo) => installationSees(installation, repo)).length;
  const primaryPerHour = installationPrimaryLimit({
    repositories,
    members: account?.members ?? 1,
    enterpriseCloud: account?.enterpriseCloud ?? false,
  });
  return {
    key: `installation:${installation.id}`,
    subject: `installation ID ${installation.id}`,
    primaryPerHour,
  };
}

/**
 * The caller behind an Authorization header (`token x` or `bearer x`), or the 401 GitHub sends:
 * "Bad credentials" for an unknown or expired token, its JWT messages for a bad App JWT.
 */
export function authenticate(
  header: string | undefined,
  config: SandboxConfig,
  installations: Installations,
  nowMs: number,
): Caller | GitHubError {
  const presented = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (presented === undefined) return badCredentials();
  if (looksLikeJwt(presented)) {
    const app = verifyAppJwt(presented, config.apps, nowMs);
    if (app instanceof GitHubError) return app;
    const identity = { key: `app:${app.id}`, subject: `app ID ${app.id}` };
    return { kind: 'app', tokenId: `app-${app.id}`, identity, app };
  }
  const index = config.tokens.findIndex((entry) => entry.token === presented);
  const entry = config.tokens[index];
  if (entry) {
    const identity = { key: `token:${entry.id}`, subject: `user ID ${900_001 + index}` };
    return { kind: 'token', tokenId: entry.id, identity, repoAdmin: entry.repoAdmin === true };
  }
  const issued = installations.find(presented, nowMs);
  const installation = issued && installations.byId(issued.grant.installationId);
  if (!issued || !installation) return badCredentials();
  return {
    kind: 'installation',
    tokenId: `installation-${installation.id}-token-${issued.serial}`,
    identity: installationIdentity(installation, installations.account(installation), config),
    grant: issued.grant,
  };
}
