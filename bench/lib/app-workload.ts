import { generateKeyPairSync } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import type { GitHubAuth } from '../../src/config/index.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { limitsSchema, type SandboxConfig, sandboxConfigSchema } from '../../src/sandbox/index.js';
import { benchRepoConfig, benchRequests } from '../../test/support/workload.js';
import type { OctokitOptions } from './direct-lane.js';

const APP_ID = 4242;

/**
 * One GitHub App installed on `owners` owners, each with one repository and `ops` operations on it.
 * Lanes running at once need their own installation ids: @octokit/auth-app shares in-flight token
 * requests process-wide by installation, whatever the base URL, so two sandboxes would get one token.
 */
export function appWorkload(owners: number, ops: number, compression: number, firstInstallationId = 1001) {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const repos = Array.from({ length: owners }, (_, i) => ({ owner: `bench-${i + 1}`, name: 'site' }));
  const installations = repos.map((repo, i) => ({ id: firstInstallationId + i, account: repo.owner }));
  const config: SandboxConfig = sandboxConfigSchema.parse({
    tokens: [{ id: 'bench', token: 'bench-token' }],
    repos: repos.map((repo) => benchRepoConfig(ops, repo)),
    apps: [{ id: APP_ID, publicKey: privateKey, installations }],
    limits: limitsSchema.parse({}),
    timeCompression: compression,
  });
  const runId = `apps-${Date.now()}`;
  const requests = repos.map((repo): OperationRequest[] => benchRequests(runId, ops, repo));
  return {
    config,
    identities: installations.map(({ id }) => `installation:${id}`),
    requests,
    /**
     * One installation's request after another's, in turn: submitted installation by installation,
     * the last would start seconds after the first (the box authorizes about 30 a second), and
     * "together" would measure that skew, not the pacing.
     */
    inTurn: Array.from({ length: ops }, (_, i) => requests.map((list) => list[i] as OperationRequest)).flat(),
    executorAuth: (): GitHubAuth => ({ kind: 'app', appId: APP_ID, privateKey, installations: {} }),
    /** Octokit options of installation `i`, for clients that write straight through Octokit. */
    octokit:
      (i: number) =>
      (url: string): OctokitOptions => ({
        baseUrl: url,
        authStrategy: createAppAuth,
        auth: { appId: APP_ID, privateKey, installationId: installations[i]?.id },
      }),
  };
}
