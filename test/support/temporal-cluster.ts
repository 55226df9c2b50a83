import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exited } from './cli-process.js';
import { freePort, freePortBlock } from './ports.js';
import { tempDir } from './temp-dirs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tools = join(root, '.tools');
const run = promisify(execFile);

/** The deployment guide's commands find the server, its schema tool and the temporal CLI on PATH. */
const toolsEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${join(tools, 'bin')}:${process.env.PATH}`,
  ...env,
});

/** A script of this repository, as the guide runs it; its output comes back in the error when it fails. */
async function script(path: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<string> {
  try {
    return (await run('bash', [path, ...args], { env: toolsEnv(env), cwd: root })).stdout.trim();
  } catch (error) {
    const { message, stdout, stderr } = error as { message: string; stdout?: string; stderr?: string };
    throw new Error(`${path} ${args.join(' ')} failed (${message}):\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** A private PostgreSQL cluster (scripts/postgres.sh on its own port and folder), which a drill may restart. */
export interface PrivatePostgres {
  port: number;
  /** Its data folder (postmaster.pid names the server process). */
  dataDir: string;
  /** The scripts' `marketops` database, for the audit log, the ledger and the budgets. */
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await tempDir('cluster-pg');
  // initdb runs as the postgres user, which must reach the data folder inside this one.
  await chmod(dir, 0o755);
  // Below the ephemeral range, so no outgoing connection takes the port while a drill restarts the server.
  const env = { MARKETOPS_PG_PORT: String(await freePortBlock(1)), MARKETOPS_PG_DATA: join(dir, 'data') };
  const start = () => script('scripts/postgres.sh', env);
  const stop = async () => {
    await script('scripts/postgres.sh', env, ['--stop']);
  };
  const url = await start();
  return {
    port: Number(env.MARKETOPS_PG_PORT),
    dataDir: env.MARKETOPS_PG_DATA,
    url,
    async restart() {
      await stop();
      await start();
    },
    stop,
  };
}

/** The real Temporal server (built by scripts/install-tools.sh) on PostgreSQL, set up as docs/deployment.md says. */
export interface TemporalCluster {
  address: string;
  namespace: string;
  /** The server process's id, while it runs. */
  pid(): number | undefined;
  /** Runs deploy/temporal/setup-namespace.sh (again): its output. */
  setupNamespace(): Promise<string>;
  /** Stops the server process and starts it again on the same databases and ports, after the schema setup. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterTimings {
  schemaMs: number;
  serverMs: number;
  namespaceMs: number;
}

/**
 * The environment of the guide's scripts and server (docs/deployment.md, sections 1 and 2) on this machine:
 * PostgreSQL's superuser on the private cluster, two databases named after `suffix`, ports from `portBase`.
 */
export const guideEnv = (o: {
  postgresPort: number;
  suffix: string;
  portBase: number;
  metricsPort: number;
}): NodeJS.ProcessEnv => ({
  SQL_PLUGIN: 'postgres12',
  SQL_HOST: '127.0.0.1',
  SQL_PORT: String(o.postgresPort),
  SQL_USER: 'postgres',
  SQL_PASSWORD: '',
  TEMPORAL_SCHEMA_DIR: join(tools, 'temporal-schema'),
  TEMPORAL_DB: `temporal_${o.suffix}`,
  TEMPORAL_VISIBILITY_DB: `temporal_visibility_${o.suffix}`,
  POSTGRES_SEEDS: '127.0.0.1',
  DB_PORT: String(o.postgresPort),
  POSTGRES_USER: 'postgres',
  POSTGRES_PWD: '',
  TEMPORAL_PORT_BASE: String(o.portBase),
  TEMPORAL_METRICS_PORT: String(o.metricsPort),
  TEMPORAL_ADDRESS: `127.0.0.1:${o.portBase}`,
  TEMPORAL_NAMESPACE: 'default',
});

/** The server's command line, as docs/deployment.md shows it (test/deploy checks that it does). */
export const SERVER_ARGS = ['--config-file', 'deploy/temporal/server.yaml.tmpl', '--allow-no-auth', 'start'];

/** Waits until the frontend answers a health check. */
async function healthy(env: NodeJS.ProcessEnv, server: ChildProcess, log: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (server.exitCode !== null)
      throw new Error(
        `The Temporal server exited with ${server.exitCode}:\n${(await readFile(log, 'utf8')).slice(-3000)}`,
      );
    const check = await run('temporal', ['operator', 'cluster', 'health'], { env: toolsEnv(env) }).then(
      () => true,
      () => false,
    );
    if (check) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `The Temporal server was not healthy within 60 s:\n${(await readFile(log, 'utf8')).slice(-3000)}`,
  );
}

/**
 * The deployment guide on this machine: setup-schema.sh creates and migrates two databases of their own
 * (unique per call) in `postgresPort`'s cluster, the server starts from deploy/temporal/server.yaml.tmpl on a
 * block of free ports, and setup-namespace.sh creates the namespace and its search attributes.
 */
export async function startTemporalCluster(
  postgresPort: number,
  timings?: ClusterTimings,
): Promise<TemporalCluster> {
  const server = join(tools, 'bin', 'temporal-server');
  if (!existsSync(server))
    throw new Error(`${server} is missing: run scripts/install-tools.sh (it builds the Temporal server).`);
  const dir = await tempDir('temporal-cluster');
  const env = guideEnv({
    postgresPort,
    suffix: randomBytes(4).toString('hex'),
    portBase: await freePortBlock(15),
    metricsPort: await freePort(),
  });
  const address = env.TEMPORAL_ADDRESS as string;

  let started = performance.now();
  const setupSchema = () => script('deploy/temporal/setup-schema.sh', env);
  await setupSchema();
  if (timings) timings.schemaMs = performance.now() - started;

  const log = join(dir, 'temporal.log');
  let child: ChildProcess;
  const startServer = async () => {
    const output = createWriteStream(log, { flags: 'a' });
    child = spawn(server, SERVER_ARGS, {
      cwd: root,
      env: toolsEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(output);
    child.stderr?.pipe(output);
    await healthy(env, child, log);
  };
  const stopServer = async () => {
    child.kill('SIGTERM');
    await exited(child);
  };
  started = performance.now();
  await startServer();
  if (timings) timings.serverMs = performance.now() - started;
  const setupNamespace = () => script('deploy/temporal/setup-namespace.sh', env);
  started = performance.now();
  await setupNamespace().catch(async (error) => {
    await stopServer();
    throw error;
  });
  if (timings) timings.namespaceMs = performance.now() - started;
  return {
    address,
    namespace: 'default',
    pid: () => child.pid,
    setupNamespace,
    async restart() {
      await stopServer();
      // As the guide's ExecStartPre does before every start: a second run finds nothing to do.
      await setupSchema();
      await startServer();
    },
    stop: stopServer,
  };
}
