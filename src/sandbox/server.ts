import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createLogger } from '../logging/logger.js';
import { SandboxAdmin } from './admin-client.js';
import { defaultSandboxConfig, type SandboxConfig } from './config.js';
import { Sandbox } from './sandbox.js';

export interface StartSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the sandbox is a local stand-in, not a service. */
  host?: string;
  config?: SandboxConfig;
  /** Where failures of the sandbox itself are logged; defaults to JSON lines on stderr. */
  logger?: pino.Logger;
}

export interface RunningSandbox {
  /** Base URL to give Octokit as `baseUrl`; it plays https://api.github.com. */
  url: string;
  /** The first configured token, ready to use. */
  token: string;
  admin: SandboxAdmin;
  close(): Promise<void>;
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const config = options.config ?? defaultSandboxConfig;
  const host = options.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${port}`;
  // stderr by default: `marketops sandbox --json` keeps stdout for its one line.
  const logger = options.logger ?? createLogger({ destination: pino.destination({ dest: 2, sync: true }) });
  const sandbox = new Sandbox(config, url, logger);
  server.on('request', (request, response) => void sandbox.handle(request, response));
  // biome-ignore lint/style/noNonNullAssertion: the schema requires at least one token.
  const token = config.tokens[0]!.token;
  return {
    url,
    token,
    admin: new SandboxAdmin(url, token),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          sandbox.dispose();
          if (error) reject(error);
          else resolve();
        });
        // Keep-alive connections from clients would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
