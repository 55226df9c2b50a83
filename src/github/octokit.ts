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
 * @octokit/rest 22 ships without the retry and throttling plugins, and we keep it so:
 * every wait must live in Temporal, where it survives a crash.
 */
export function createOctokit(apiUrl: string, auth: GitHubAuth, log: OctokitLog = silent): Octokit {
  const base = { baseUrl: apiUrl.replace(/\/$/, ''), userAgent: 'marketops-publisher', log };
  switch (auth.kind) {
    case 'token':
      return new Octokit({ ...base, auth: auth.token });
    case 'app':
      return new Octokit({
        ...base,
        authStrategy: createAppAuth,
        auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId },
      });
    case 'none':
      return new Octokit(base);
  }
}
