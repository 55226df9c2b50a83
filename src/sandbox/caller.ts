import type { AppConfig, Permissions } from './config.js';
import type { Identity } from './identity.js';

/*
 * Who sent a request, as the routes see it. Types only, so that the router can name the caller
 * without depending on how credentials are checked.
 */

/** What one installation token may touch: repositories of one account, and permissions. */
export interface Grant {
  installationId: number;
  account: string;
  /** `all` follows the installation: every repository of the account it can see. */
  repositoryIds: number[] | 'all';
  permissions: Permissions;
}

interface Authenticated {
  /** What the request log names the credential by; never the credential itself. */
  tokenId: string;
  identity: Identity;
}

/** Who sent a request: a personal token, an App (its JWT) or an App installation (its token). */
export type Caller =
  | (Authenticated & { kind: 'token'; repoAdmin: boolean })
  | (Authenticated & { kind: 'app'; app: AppConfig })
  | (Authenticated & { kind: 'installation'; grant: Grant });
