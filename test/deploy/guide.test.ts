import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guideEnv, SERVER_ARGS } from '../support/temporal-cluster.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');
const guide = read('docs/deployment.md');

/** docs/deployment.md shows what test/e2e/cluster.test.ts runs, so the guide is executed, not just written. */
describe('docs/deployment.md', () => {
  it('shows the server command, the setup scripts and every variable the cluster test sets', () => {
    expect(guide).toContain(`temporal-server ${SERVER_ARGS.join(' ')}`);
    expect(guide).toContain('deploy/temporal/setup-schema.sh');
    expect(guide).toContain('deploy/temporal/setup-namespace.sh');
    const env = guideEnv({ postgresPort: 5432, suffix: 'x', portBase: 7233, metricsPort: 8000 });
    for (const name of Object.keys(env)) expect(guide, name).toContain(name);
  });

  it("documents every variable the server's config template reads", () => {
    const template = read('deploy/temporal/server.yaml.tmpl');
    const names = [...template.matchAll(/env "(\w+)"/g)].map((match) => match[1] as string);
    expect(names.length).toBeGreaterThan(5);
    for (const name of new Set(names)) expect(guide, name).toContain(name);
  });

  it('builds the version that install-tools builds', () => {
    const version = /^TEMPORAL_SERVER_VERSION=(v\S+)$/m.exec(read('scripts/install-tools.sh'))?.[1];
    expect(guide).toContain(`go.temporal.io/server/cmd/server@${version}`);
    expect(guide).toContain(`go.temporal.io/server/cmd/tools/sql@${version}`);
  });

  it('asks for the retention the worker requires', () => {
    expect(guide).toContain('**25 h**');
    expect(guide).not.toMatch(/48 ?h or more/);
  });
});

describe('deploy/systemd/marketops-worker.service', () => {
  const unit = read('deploy/systemd/marketops-worker.service');
  const settings = (key: string) =>
    [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((match) => match[1] as string);

  it('runs the worker as its own user, restarts it when it fails, and lets it drain on stop', () => {
    expect(settings('ExecStart')).toEqual(['/usr/bin/node bin/marketops.js worker']);
    expect(settings('User')).toEqual(['marketops']);
    expect(settings('Restart')).toEqual(['on-failure']);
    expect(settings('KillSignal')).toEqual(['SIGTERM']);
    expect(settings('EnvironmentFile')).toEqual(['/etc/marketops/worker.env']);
  });

  it('gives the audit signing key as a credential, not in the environment file', () => {
    const [credential] = settings('LoadCredential');
    expect(credential).toMatch(/^audit-signing-key:\/etc\/marketops\/secrets\//);
    expect(settings('Environment')).toContain('MARKETOPS_AUDIT_KEY=%d/audit-signing-key');
    expect(guide).toContain('deploy/systemd/marketops-worker.service');
  });
});
