import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { GitHubAuth } from '../config/index.js';

export interface OctokitLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const silent: OctokitLog = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Octokit logs every failed request as an error, including the 404s of our
 * read-before-write checks; failures that matter surface as Temporal failures instead.
 */
const quieted = (log: OctokitLog): OctokitLog => ({
  debug: (message) => log.debug(message),
  info: (message) => log.debug(message),
  warn: (message) => log.warn(message),
  error: (message) => log.debug(message),
});

/**
 * @octokit/rest 22 ships without the retry and throttling plugins, and we keep it so:
 * every wait must live in Temporal, where it survives a crash.
 */
export function createOctokit(apiUrl: string, auth: GitHubAuth, log: OctokitLog = silent): Octokit {
  const base = { baseUrl: apiUrl.replace(/\/$/, ''), userAgent: 'marketops-publisher', log: quieted(log) };
  switch (auth.kind) {
    case 'token':
      return new Octokit({ ...base, auth: auth.token });
    case 'app':
      return new Octokit({
        ...base,
        authStrategy: createAppAuth,
        // No installation here: each operation picks its own, scoped to one repository (identities.ts).
        auth: { appId: auth.appId, privateKey: auth.privateKey },
      });
    case 'none':
      return new Octokit(base);
  }
}
