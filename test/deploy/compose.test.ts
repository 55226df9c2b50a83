import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { redactSecrets } from '../../src/logging/logger.js';
import { searchAttributes } from '../../src/shared.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(resolve(root, path), 'utf8');

const Service = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
  command: z.array(z.string()).optional(),
  entrypoint: z.array(z.string()).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).default({}),
  environment: z.record(z.string(), z.string()).default({}),
  env_file: z.array(z.object({ path: z.string(), required: z.boolean() })).default([]),
  volumes: z.array(z.string()).default([]),
  secrets: z.array(z.string()).default([]),
  ports: z.array(z.string()).default([]),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
});
const Compose = z.object({
  services: z.record(z.string(), Service),
  secrets: z.record(z.string(), z.object({ file: z.string() })),
  volumes: z.record(z.string(), z.unknown()),
});

const composeText = read('docker-compose.yml');
const compose = Compose.parse(parse(composeText, { merge: true }));
const service = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
/** The value compose uses when the variable is unset: `${NAME:-default}` gives `default`. */
const withDefaults = (value: string) => value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
/** Host-side paths of bind mounts (`./from:/to[:ro]`). */
const bindSources = (volumes: string[]) =>
  volumes.filter((v) => v.startsWith('./')).map((v) => v.split(':')[0]);

const isGitIgnored = (path: string) =>
  spawnSync('git', ['check-ignore', '-q', path], { cwd: root }).status === 0;

const hasComposePlugin = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  it.skipIf(!hasComposePlugin)('passes `docker compose config`', () => {
    expect(() =>
      execFileSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '--quiet'], {
        cwd: root,
        env: { ...process.env, POSTGRES_PASSWORD: 'compose-config-check' },
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('has every service of a real deployment', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
    expect(service('postgresql').image).toMatch(/^postgres:16(\.|$)/);
    expect(service('temporal').image).toMatch(/^temporalio\/server:/);
    expect(service('temporal-ui').image).toMatch(/^temporalio\/ui:/);
    expect(service('temporal-schema').image).toMatch(/^temporalio\/admin-tools:/);
    expect(service('temporal-setup').image).toMatch(/^temporalio\/admin-tools:/);
    expect(composeText).not.toContain('auto-setup');
    expect(service('postgresql').volumes.some((v) => v.endsWith(':/var/lib/postgresql/data'))).toBe(true);
  });

  it('pins every pulled image to a version', () => {
    const pulled = Object.entries(compose.services).filter(([, s]) => !s.build);
    expect(pulled.length).toBe(5);
    for (const [name, s] of pulled) {
      expect(s.image, name).toMatch(/^[\w./-]+:\d+(\.\d+)+$/);
    }
    const version = (name: string) => service(name).image?.split(':')[1];
    expect(version('temporal-schema')).toBe(version('temporal'));
    expect(version('temporal-setup')).toBe(version('temporal'));
  });

  it('sets up the schema after PostgreSQL is healthy and before the server starts', () => {
    expect(service('postgresql').healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(service('temporal-schema').depends_on).toEqual({ postgresql: { condition: 'service_healthy' } });
    expect(service('temporal').depends_on).toEqual({
      postgresql: { condition: 'service_healthy' },
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(service('temporal-schema').environment.SQL_PLUGIN).toBe('postgres12');
    expect(service('temporal').environment.DB).toBe('postgres12');
    const script = read('deploy/temporal/setup-schema.sh');
    for (const step of [' create', 'setup-schema -v 0.0', 'update-schema -d']) expect(script).toContain(step);
    // The admin-tools image's schema folder by default; the host install's (.tools/temporal-schema) when set.
    expect(script).toMatch(/^schema_dir=\$\{TEMPORAL_SCHEMA_DIR:-\/etc\/temporal\/schema\}$/m);
    expect(script).toContain('"$schema_dir/postgresql/v12/$2/versioned"');
    expect(script).toMatch(/^setup "\$\{TEMPORAL_DB:-temporal\}" temporal$/m);
    expect(script).toMatch(/^setup "\$\{TEMPORAL_VISIBILITY_DB:-temporal_visibility\}" visibility$/m);
  });

  it('runs the same server version and config as the host install the cluster test uses', () => {
    const built = /^TEMPORAL_SERVER_VERSION=v(\S+)$/m.exec(read('scripts/install-tools.sh'))?.[1];
    expect(built).toMatch(/^\d+\.\d+\.\d+$/);
    for (const name of ['temporal', 'temporal-schema', 'temporal-setup'])
      expect(service(name).image?.split(':')[1], name).toBe(built);
    const server = service('temporal');
    expect(server.entrypoint).toEqual([
      'temporal-server',
      '--config-file',
      '/etc/temporal/marketops/server.yaml.tmpl',
      '--allow-no-auth',
      'start',
    ]);
    expect(server.volumes).toContain(
      './deploy/temporal/server.yaml.tmpl:/etc/temporal/marketops/server.yaml.tmpl:ro',
    );
    expect(server.environment.DYNAMIC_CONFIG_FILE_PATH).toBe('/etc/temporal/marketops/dynamicconfig.yaml');
  });

  it('creates the namespace with at least the 25 hours of retention the worker requires, and waits for it', () => {
    const setup = service('temporal-setup');
    expect(setup.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(service('temporal').healthcheck).toBeDefined();
    const retention = withDefaults(setup.environment.TEMPORAL_RETENTION ?? '');
    const [, amount, unit] = retention.match(/^(\d+)(h|d)$/) ?? [];
    // A receipt's default lifetime (24 h) plus the worker's 1 h margin.
    expect(Number(amount) * (unit === 'd' ? 24 : 1)).toBeGreaterThanOrEqual(25);

    const script = read('deploy/temporal/setup-namespace.sh');
    expect(script).toContain(
      'temporal operator namespace create --namespace "$namespace" --retention "$retention"',
    );
    expect(script).toContain(
      'temporal operator namespace update --namespace "$namespace" --retention "$retention"',
    );
    expect(script).toContain('--type Keyword');
    // A new namespace reaches the server's cache seconds later: the script waits on the call it needs next.
    expect(script).toContain('retry temporal operator search-attribute list --namespace "$namespace"');
    expect(script.indexOf('retry temporal operator search-attribute list')).toBeLessThan(
      script.indexOf('temporal operator search-attribute create'),
    );
    for (const key of Object.values(searchAttributes)) {
      expect(key.type).toBe('KEYWORD');
      expect(script).toMatch(new RegExp(`for name in .*\\b${key.name}\\b`));
    }
  });

  it('builds the worker from ./Dockerfile and runs the CLI worker command', () => {
    const worker = service('worker');
    expect(worker.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(worker.command).toEqual(['node', 'bin/marketops.js', 'worker']);
    expect(worker.depends_on).toEqual({
      postgresql: { condition: 'service_healthy' },
      'temporal-setup': { condition: 'service_completed_successfully' },
    });
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:20\.\d+\.\d+-bookworm-slim$/m);
    expect(dockerfile).toContain('bin/marketops.js');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(existsSync(resolve(root, 'bin/marketops.js'))).toBe(true);
    expect(read('.dockerignore').split('\n')).toEqual(
      expect.arrayContaining(['.env', 'deploy', 'node_modules']),
    );
  });

  it('configures the worker for the deployment', () => {
    const worker = service('worker');
    const env = Object.fromEntries(Object.entries(worker.environment).map(([k, v]) => [k, withDefaults(v)]));
    expect(env).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'default',
      MARKETOPS_MODE: 'dry-run',
      GITHUB_API_URL: 'https://api.github.com',
      MARKETOPS_METRICS_PORT: '9464',
    });
    // Audit store and ledger share the deployment's PostgreSQL; the password is interpolated, never written.
    expect(env.MARKETOPS_AUDIT_STORE).toMatch(
      /^postgres:\/\/[^:]+:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgresql:5432\//,
    );
    expect(env.MARKETOPS_LEDGER).toBe(env.MARKETOPS_AUDIT_STORE);
    expect(env.MARKETOPS_BUDGET_STORE).toBe(env.MARKETOPS_AUDIT_STORE);
    // The image's data folder belongs to user node, on a volume of its own.
    expect(worker.volumes).toContain('worker-data:/var/lib/marketops');
    expect(read('Dockerfile')).toContain('install -d -o node -g node /var/lib/marketops');
    expect(worker.ports.some((p) => p.endsWith(':9464:9464'))).toBe(true);
    const keysMount = worker.volumes.find((v) => v.includes(':/run/marketops/keys'));
    expect(keysMount).toMatch(/:ro$/);
    expect(env.MARKETOPS_RECEIPT_KEYS).toBe('/run/marketops/keys/receipt-keys.jwks.json');
    expect(env.MARKETOPS_AUDIT_KEYS).toBe('/run/marketops/keys/audit-keys.jwks.json');
  });

  it('keeps secrets out of the file: tokens come from an env file, passwords from interpolation', () => {
    const worker = service('worker');
    expect(worker.environment.GITHUB_TOKEN).toBeUndefined();
    expect(worker.env_file.map((f) => f.path)).toContain('./deploy/marketops.env');
    expect(read('deploy/marketops.env.example')).toMatch(/^GITHUB_TOKEN=$/m);
    for (const [name, s] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(s.environment)) {
        if (/TOKEN|PASSWORD|PWD|SECRET|API_KEY/.test(key))
          expect(value, `${name}.${key}`).toMatch(/^\$\{\w+:\?/);
      }
    }
    expect(redactSecrets(composeText)).toBe(composeText);
    for (const local of ['.env', 'deploy/marketops.env'])
      expect(isGitIgnored(local), `${local} must be git-ignored`).toBe(true);
  });

  it('gives the worker its audit signing key as a compose secret, kept out of git', () => {
    const worker = service('worker');
    expect(worker.secrets).toEqual(['audit_signing_key']);
    expect(worker.environment.MARKETOPS_AUDIT_KEY).toBe('/run/secrets/audit_signing_key');
    const file = compose.secrets.audit_signing_key?.file ?? '';
    expect(file).toMatch(/^\.\/deploy\/secrets\//);
    expect(isGitIgnored(file), `${file} must be git-ignored`).toBe(true);
  });

  it('mounts only files that exist in the repository', () => {
    const sources = Object.values(compose.services).flatMap((s) => bindSources(s.volumes));
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const source of sources) expect(existsSync(resolve(root, source ?? '')), source).toBe(true);
  });
});
