import { randomBytes } from 'node:crypto';
import type { Account } from './accounts.js';
import type { Grant } from './caller.js';
import type { AppConfig, InstallationConfig } from './config.js';
import { type Installation, installationSees, type RepoRef } from './grants.js';

/** Installation tokens expire an hour after they are created, as on GitHub. */
const TOKEN_LIFETIME_MS = 3_600_000;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface IssuedToken {
  token: string;
  /** Counts up from 1 per sandbox: the request log names a token by it, never by its value. */
  serial: number;
  grant: Grant;
  /** Sandbox epoch milliseconds. */
  expiresAt: number;
}

/** `ghs_` and 36 random base62 characters: the shape of GitHub's installation tokens. */
function newToken(): string {
  return `ghs_${[...randomBytes(36)].map((byte) => BASE62[byte % BASE62.length]).join('')}`;
}

/** The configured Apps, their installations (configured or added) and the tokens issued for them. */
export class Installations {
  private added: Installation[] = [];
  private issued = new Map<string, IssuedToken>();

  constructor(
    private readonly apps: readonly AppConfig[],
    private readonly accounts: ReadonlyMap<string, Account>,
    /** Sandbox epoch ms: when every installation was made, as far as clients can tell. */
    readonly createdAt: number,
  ) {}

  /** Drops added installations and every issued token. */
  reset(): void {
    this.added = [];
    this.issued = new Map();
  }

  all(): Installation[] {
    const configured = this.apps.flatMap((app) =>
      app.installations.map((installation) => ({ ...installation, appId: app.id })),
    );
    return [...configured, ...this.added];
  }

  byId(id: number): Installation | undefined {
    return this.all().find((installation) => installation.id === id);
  }

  /** The App's installation that can see the repository, as GET /repos/{owner}/{repo}/installation finds it. */
  forRepo(appId: number, repo: Omit<RepoRef, 'id'>): Installation | undefined {
    return this.all().find(
      (installation) => installation.appId === appId && installationSees(installation, repo),
    );
  }

  account(installation: InstallationConfig): Account | undefined {
    return this.accounts.get(installation.account.toLowerCase());
  }

  /** Admin: installs an App on a known account. The message says what to fix when it cannot. */
  add(appId: number, installation: InstallationConfig): Installation {
    if (!this.apps.some((app) => app.id === appId)) throw new Error(`no App with id ${appId} is configured`);
    if (this.byId(installation.id)) throw new Error(`installation id ${installation.id} is already used`);
    if (!this.account(installation))
      throw new Error(`account ${installation.account} is unknown; list it under owners`);
    const added = { ...installation, appId };
    this.added.push(added);
    return added;
  }

  issue(grant: Grant, nowMs: number): IssuedToken {
    const issued = {
      token: newToken(),
      serial: this.issued.size + 1,
      grant,
      expiresAt: nowMs + TOKEN_LIFETIME_MS,
    };
    this.issued.set(issued.token, issued);
    return issued;
  }

  /** The token's record while it is valid; an expired token is as unknown as a made-up one. */
  find(token: string, nowMs: number): IssuedToken | undefined {
    const issued = this.issued.get(token);
    return issued && nowMs < issued.expiresAt ? issued : undefined;
  }
}
