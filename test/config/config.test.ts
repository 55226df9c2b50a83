import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { tempDir } from '../support/temp-dirs.js';

describe('configuration', () => {
  it('has safe defaults: dry-run, the data folder, GitHub budgets at GitHub’s limits with no extra cap', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('dry-run');
    expect(config.audit.store).toBe('file:.data/audit');
    expect(config.ledger).toBe('file:.data/ledger');
    expect(config.receipts.keysFile).toBe('.data/keys/receipt-keys.jwks.json');
    expect(config.github.writesPerSecond).toBeUndefined();
    expect(config.github.budgetStore).toBe('file:.data/budgets');
    expect(config.github.auth).toEqual({ kind: 'none' });
  });

  it('leaves the audit origin to the log unless set (compose passes an unset variable as empty)', () => {
    expect(loadConfig({}).audit.origin).toBeUndefined();
    expect(loadConfig({ MARKETOPS_AUDIT_ORIGIN: '' }).audit.origin).toBeUndefined();
    expect(loadConfig({ MARKETOPS_AUDIT_ORIGIN: 'audit.example.com/marketops' }).audit.origin).toBe(
      'audit.example.com/marketops',
    );
  });

  it('moves every default with MARKETOPS_DATA_DIR', () => {
    const config = loadConfig({ MARKETOPS_DATA_DIR: '/srv/marketops' });
    expect([config.audit.store, config.ledger, config.audit.keyFile]).toEqual([
      'file:/srv/marketops/audit',
      'file:/srv/marketops/ledger',
      '/srv/marketops/keys/audit-signing-key.jwk.json',
    ]);
  });

  it.each([
    [{ MARKETOPS_CLOCK_SKEW_SECONDS: 'soon' }, /MARKETOPS_CLOCK_SKEW_SECONDS/],
    [{ MARKETOPS_GITHUB_WRITES_PER_SECOND: '5' }, /MARKETOPS_GITHUB_WRITES_PER_SECOND/],
    [{ MARKETOPS_GITHUB_PACING: 'burst' }, /MARKETOPS_GITHUB_PACING .*best-practices.*documented-limits/],
    [{ GITHUB_API_URL: 'not a url' }, /GITHUB_API_URL/],
    [{ MARKETOPS_LOG_LEVEL: 'loud' }, /MARKETOPS_LOG_LEVEL/],
    [{ GITHUB_APP_ID: '12' }, /need GITHUB_APP_PRIVATE_KEY_FILE; set it/],
    [{ GITHUB_APP_PRIVATE_KEY_FILE: '/k.pem' }, /need GITHUB_APP_ID; set it/],
    [{ GITHUB_APP_ID: 'twelve' }, /GITHUB_APP_ID must be the numeric App id/],
    [{ GITHUB_APP_INSTALLATION_ID: '2' }, /GITHUB_APP_INSTALLATION_ID is replaced.*GITHUB_APP_INSTALLATIONS/],
    [{ GITHUB_APP_INSTALLATIONS: 'acme=1' }, /GITHUB_APP_INSTALLATIONS needs GITHUB_APP_ID/],
    [
      { GITHUB_APP_INSTALLATIONS: 'acme:1' },
      /GITHUB_APP_INSTALLATIONS must list owner=installation-id pairs/,
    ],
    [
      {
        GITHUB_APP_ID: '1',
        GITHUB_APP_PRIVATE_KEY_FILE: '/no/such/key.pem',
      },
      /GITHUB_APP_PRIVATE_KEY_FILE \/no\/such\/key.pem cannot be read \(ENOENT\)/,
    ],
  ])('stops on a bad value with one sentence naming the variable: %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('prefers a token, and reads GitHub App credentials from their files', async () => {
    const dir = await tempDir('config');
    const keyFile = join(dir, 'app.pem');
    await writeFile(keyFile, 'app private key');
    const app = { GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY_FILE: keyFile };
    expect(loadConfig(app).github.auth).toEqual({
      kind: 'app',
      appId: 42,
      privateKey: 'app private key',
      installations: {},
    });
    // Overrides of the per-owner installation lookup; compose passes an unset variable as empty.
    const overridden = {
      ...app,
      GITHUB_APP_INSTALLATIONS: 'acme=7, widgets.io=12',
      GITHUB_APP_INSTALLATION_ID: '',
    };
    expect(loadConfig(overridden).github.auth).toMatchObject({
      installations: { acme: 7, 'widgets.io': 12 },
    });
    expect(loadConfig({ ...app, GITHUB_TOKEN: 't' }).github.auth).toEqual({ kind: 'token', token: 't' });
  });

  it('reads the optional write cap and the budget store', () => {
    const github = loadConfig({
      MARKETOPS_GITHUB_WRITES_PER_SECOND: '0.5',
      MARKETOPS_BUDGET_STORE: 'postgres://db/marketops',
    }).github;
    expect(github.writesPerSecond).toBe(0.5);
    expect(github.budgetStore).toBe('postgres://db/marketops');
  });

  it('sizes each PostgreSQL store pool: 4 connections unless MARKETOPS_PG_POOL_MAX says otherwise', () => {
    expect(loadConfig({}).postgres.poolMax).toBe(4);
    expect(loadConfig({ MARKETOPS_PG_POOL_MAX: '2' }).postgres.poolMax).toBe(2);
    expect(() => loadConfig({ MARKETOPS_PG_POOL_MAX: '0' })).toThrow(/MARKETOPS_PG_POOL_MAX/);
  });

  it("paces by GitHub's best practices unless the documented-limits burst is chosen", () => {
    expect(loadConfig({}).github.pacing).toBe('best-practices');
    const opted = loadConfig({ MARKETOPS_GITHUB_PACING: 'documented-limits' });
    expect(opted.github.pacing).toBe('documented-limits');
  });

  it("follows Temporal's conventions: the env-config file, overridden by TEMPORAL_* variables", async () => {
    const dir = await tempDir('config');
    const file = join(dir, 'temporal.toml');
    await writeFile(file, '[profile.default]\naddress = "temporal.internal:7233"\nnamespace = "releases"\n');
    const fromFile = loadConfig({ TEMPORAL_CONFIG_FILE: file });
    expect(fromFile.temporal.connectionOptions.address).toBe('temporal.internal:7233');
    expect(fromFile.temporal.namespace).toBe('releases');
    const overridden = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: 'localhost:7233' });
    expect(overridden.temporal.connectionOptions.address).toBe('localhost:7233');
  });
});
