import { readFileSync } from 'node:fs';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { z } from 'zod';
import { DEFAULT_POOL_MAX } from '../common/postgres-pool-size.js';
import { firstIssue } from '../common/zod-sentence.js';
import { artifactS3EndpointSchema, artifactStoreLocation, artifactStoreSchema } from './artifact-store.js';
import { githubPacingSchema } from './github-pacing.js';
import { auditKeyFileNames, receiptKeyFileNames, revocationsFileName } from './key-file-names.js';

/**
 * Every setting of the worker, the client and `start`, read from the environment
 * (and Temporal's env-config file for the connection) and validated in one place,
 * so a bad value stops start-up with a message naming the variable.
 */
const positiveNumber = z.coerce.number().positive();

const envSchema = z.object({
  MARKETOPS_MODE: z
    .string()
    .default('dry-run')
    .refine((mode) => mode === 'prod' || mode === 'dry-run', {
      message: 'must be exactly "prod" or "dry-run"',
    }),
  MARKETOPS_DATA_DIR: z.string().min(1).default('.data'),
  MARKETOPS_AUDIENCE: z.string().min(1).default('marketops-executor'),
  MARKETOPS_RECEIPT_KEYS: z.string().min(1).optional(),
  MARKETOPS_POLICY_FILE: z.string().min(1).optional(),
  MARKETOPS_REVOCATIONS_FILE: z.string().min(1).optional(),
  MARKETOPS_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(60),
  MARKETOPS_MAX_RECEIPT_AGE_SECONDS: z.coerce.number().int().positive().max(86_400).default(86_400),
  MARKETOPS_AUDIT_STORE: z.string().min(1).optional(),
  MARKETOPS_AUDIT_KEY: z.string().min(1).optional(),
  MARKETOPS_AUDIT_KEYS: z.string().min(1).optional(),
  // Unset (or empty, as compose passes an unset value): a new log generates its own unique origin.
  // Its form is checked where checkpoints are signed, when the worker starts.
  MARKETOPS_AUDIT_ORIGIN: z
    .string()
    .optional()
    .transform((origin) => origin || undefined),
  MARKETOPS_LEDGER: z.string().min(1).optional(),
  // An optional cap under GitHub's own limits, which the per-identity budget always applies.
  MARKETOPS_GITHUB_WRITES_PER_SECOND: positiveNumber.max(80 / 60).optional(),
  MARKETOPS_GITHUB_PACING: githubPacingSchema,
  MARKETOPS_BUDGET_STORE: z.string().min(1).optional(),
  MARKETOPS_ARTIFACT_STORE: artifactStoreSchema,
  MARKETOPS_ARTIFACT_S3_ENDPOINT: artifactS3EndpointSchema,
  MARKETOPS_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  // Per PostgreSQL store of a worker (three of them): docs/configuration.md adds them up.
  MARKETOPS_PG_POOL_MAX: z.coerce.number().int().min(1).max(100).default(DEFAULT_POOL_MAX),
  MARKETOPS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_APP_ID: z.string().regex(/^\d+$/, 'must be the numeric App id').optional(),
  GITHUB_APP_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  GITHUB_APP_INSTALLATIONS: z
    .string()
    .regex(
      /^\s*[\w.-]+=\d+\s*(,\s*[\w.-]+=\d+\s*)*$/,
      'must list owner=installation-id pairs separated by commas, e.g. "acme=123,widgets=456"',
    )
    .optional(),
  GITHUB_APP_INSTALLATION_ID: z.string().optional(),
});

export type Mode = 'prod' | 'dry-run';

export type GitHubAuth =
  | { kind: 'token'; token: string }
  /** `installations` overrides the lookup of the installation on a repository's owner. */
  | { kind: 'app'; appId: number; privateKey: string; installations: Record<string, number> }
  | { kind: 'none' };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseEnv(env: NodeJS.ProcessEnv) {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const { field, message } = firstIssue(parsed.error);
  throw new ConfigError(`Environment variable ${field} ${message}; fix or unset it.`);
}

function readAppKey(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`GITHUB_APP_PRIVATE_KEY_FILE ${path} cannot be read (${code}); fix the path.`);
  }
}

const installationsOf = (list: string | undefined): Record<string, number> =>
  Object.fromEntries(
    (list ?? '')
      .split(',')
      .filter((pair) => pair.trim() !== '')
      .map((pair) => {
        const [owner, id] = pair.split('=').map((part) => part.trim());
        return [owner, Number(id)];
      }),
  );

function githubAuth(env: z.infer<typeof envSchema>): GitHubAuth {
  if (env.GITHUB_APP_INSTALLATION_ID) {
    throw new ConfigError(
      'GITHUB_APP_INSTALLATION_ID is replaced: the installation is now found per repository owner; unset it, or name it in GITHUB_APP_INSTALLATIONS (owner=id).',
    );
  }
  if (env.GITHUB_TOKEN) return { kind: 'token', token: env.GITHUB_TOKEN };
  const { GITHUB_APP_ID: appId, GITHUB_APP_PRIVATE_KEY_FILE: keyFile } = env;
  if (appId === undefined && keyFile === undefined) {
    if (env.GITHUB_APP_INSTALLATIONS)
      throw new ConfigError(
        'GITHUB_APP_INSTALLATIONS needs GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY_FILE; set them.',
      );
    return { kind: 'none' };
  }
  if (appId === undefined) throw new ConfigError('GitHub App credentials need GITHUB_APP_ID; set it.');
  if (keyFile === undefined)
    throw new ConfigError('GitHub App credentials need GITHUB_APP_PRIVATE_KEY_FILE; set it.');
  return {
    kind: 'app',
    appId: Number(appId),
    privateKey: readAppKey(keyFile),
    installations: installationsOf(env.GITHUB_APP_INSTALLATIONS),
  };
}

function temporalConnection(env: NodeJS.ProcessEnv) {
  try {
    const { connectionOptions, namespace } = loadClientConnectConfig({
      overrideEnvVars: Object.fromEntries(
        Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
      ),
    });
    return { connectionOptions, namespace: namespace ?? 'default' };
  } catch (error) {
    throw new ConfigError(
      `Temporal connection settings are invalid (${(error as Error).message}); fix TEMPORAL_* or the env-config file.`,
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = parseEnv(env);
  const dataDir = parsed.MARKETOPS_DATA_DIR;
  return {
    mode: parsed.MARKETOPS_MODE as Mode,
    dataDir,
    temporal: temporalConnection(env),
    receipts: {
      keysFile: parsed.MARKETOPS_RECEIPT_KEYS ?? `${dataDir}/keys/${receiptKeyFileNames.publicKeys}`,
      audience: parsed.MARKETOPS_AUDIENCE,
      clockSkewSeconds: parsed.MARKETOPS_CLOCK_SKEW_SECONDS,
      maxAgeSeconds: parsed.MARKETOPS_MAX_RECEIPT_AGE_SECONDS,
    },
    // Who may approve what (docs/policy.md): no policy file keeps one approval by any ring key.
    policy: {
      ...(parsed.MARKETOPS_POLICY_FILE === undefined ? {} : { policyFile: parsed.MARKETOPS_POLICY_FILE }),
      revocationsFile: parsed.MARKETOPS_REVOCATIONS_FILE ?? `${dataDir}/keys/${revocationsFileName}`,
    },
    audit: {
      store: parsed.MARKETOPS_AUDIT_STORE ?? `file:${dataDir}/audit`,
      keyFile: parsed.MARKETOPS_AUDIT_KEY ?? `${dataDir}/keys/${auditKeyFileNames.privateKey}`,
      keysFile: parsed.MARKETOPS_AUDIT_KEYS ?? `${dataDir}/keys/${auditKeyFileNames.publicKeys}`,
      origin: parsed.MARKETOPS_AUDIT_ORIGIN,
    },
    ledger: parsed.MARKETOPS_LEDGER ?? `file:${dataDir}/ledger`,
    github: {
      apiUrl: parsed.GITHUB_API_URL,
      auth: githubAuth(parsed),
      writesPerSecond: parsed.MARKETOPS_GITHUB_WRITES_PER_SECOND,
      pacing: parsed.MARKETOPS_GITHUB_PACING,
      budgetStore: parsed.MARKETOPS_BUDGET_STORE ?? `file:${dataDir}/budgets`,
    },
    artifacts: artifactStoreLocation(parsed.MARKETOPS_ARTIFACT_STORE, {
      dataDir,
      endpoint: parsed.MARKETOPS_ARTIFACT_S3_ENDPOINT,
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    }),
    metricsPort: parsed.MARKETOPS_METRICS_PORT,
    postgres: { poolMax: parsed.MARKETOPS_PG_POOL_MAX },
    logLevel: parsed.MARKETOPS_LOG_LEVEL,
  };
}

export type Config = ReturnType<typeof loadConfig>;
