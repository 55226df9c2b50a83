import { generateKeyPairSync } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { z } from 'zod';
import {
  DEFAULT_MAIN_SHA,
  defaultSandboxConfig,
  type RunningSandbox,
  type SandboxConfig,
  sandboxConfigSchema,
  startSandbox,
} from '../../src/sandbox/index.js';
import { documentedPaths, validateResponse } from './openapi.js';

/** One response Octokit received, keyed by the route template Octokit requested. */
export interface Recorded {
  route: string;
  status: number;
  body: unknown;
  headers: Record<string, string | number | undefined>;
}

/** Octokit's request log would print every expected 4xx; the assertions say what matters. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The OpenAPI template of a URL Octokit requested: its own template, or for a URL it followed
 * (a `Link` page) the documented path that matches it with the most literal segments.
 */
function templateOf(url: string, base: string): string {
  // An upload's URL is the `upload_url` hypermedia template, or Octokit's `{origin}/…{?name,label}`.
  const path =
    (url.startsWith(base) ? url.slice(base.length) : url)
      .replace(/^\{origin\}/, '')
      .replace(/\{\?[^}]*\}$/, '')
      .split('?')[0] ?? '';
  if (path.includes('{')) return path;
  const matching = documentedPaths().filter((template) =>
    new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
  );
  const literal = (template: string) => template.split('/').filter((part) => !part.startsWith('{')).length;
  return matching.sort((a, b) => literal(b) - literal(a))[0] ?? path;
}

/** How a test Octokit authenticates: a token, or as the App (with an installation: as that installation). */
type Credential = string | { appId: number; privateKey: string; installationId?: number };

/** A real Octokit against the sandbox, recording every response it gets (success and error). */
export function octokitFor(
  sandbox: RunningSandbox,
  recorded: Recorded[],
  credential: Credential = sandbox.token,
): Octokit {
  const octokit =
    typeof credential === 'string'
      ? new Octokit({ baseUrl: sandbox.url, auth: credential, log: quiet })
      : new Octokit({ baseUrl: sandbox.url, authStrategy: createAppAuth, auth: credential, log: quiet });
  octokit.hook.wrap('request', async (request, options) => {
    const route = `${options.method} ${templateOf(options.url, sandbox.url)}`;
    try {
      const response = await request(options);
      recorded.push({ route, status: response.status, body: response.data, headers: response.headers });
      return response;
    } catch (error) {
      const response = (
        error as { response?: { status: number; data: unknown; headers: Recorded['headers'] } }
      ).response;
      if (response)
        recorded.push({ route, status: response.status, body: response.data, headers: response.headers });
      throw error;
    }
  });
  return octokit;
}

/** The HTTP status of a failed Octokit call (its RequestError), for asserting error responses. */
export async function failure(call: Promise<unknown>): Promise<{
  status: number;
  data: Record<string, unknown>;
  headers: Record<string, string | number | undefined>;
}> {
  try {
    await call;
  } catch (error) {
    const { status, response } = error as {
      status: number;
      response?: { data: Record<string, unknown>; headers: Record<string, string | number | undefined> };
    };
    return { status, data: response?.data ?? {}, headers: response?.headers ?? {} };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function startRecorded(config?: SandboxConfig) {
  const sandbox = await startSandbox(config ? { config } : {});
  const recorded: Recorded[] = [];
  return { sandbox, recorded, octokit: octokitFor(sandbox, recorded) };
}

export const repo = { owner: 'omega', repo: 'marketops' } as const;
export const MAIN_SHA = DEFAULT_MAIN_SHA;
export const FEATURE_BRANCH = 'feature/launch-notes';
export const FEATURE_SHA = '2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a';

/** The App the tests install: its id and a fresh RSA key pair (the sandbox gets the public half). */
export const APP_ID = 4242;
export const appKeys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
export const asApp = { appId: APP_ID, privateKey: appKeys.privateKey };

/**
 * The default sandbox with the App installed: installation 1 on omega, all repositories, contents
 * and pull requests writable; `extra` adds to the config (more owners, repositories, installations).
 */
export function appSandboxConfig(extra: Partial<z.input<typeof sandboxConfigSchema>> = {}): SandboxConfig {
  const installations = [
    { id: 1, account: 'omega', permissions: { contents: 'write', pull_requests: 'write' } },
  ];
  return sandboxConfigSchema.parse({
    ...defaultSandboxConfig,
    apps: [{ id: APP_ID, slug: 'marketops-test', publicKey: appKeys.publicKey, installations }],
    ...extra,
  });
}

export interface SandboxContext {
  sandbox: RunningSandbox;
  octokit: Octokit;
  recorded: Recorded[];
}

/**
 * One sandbox for a test file, reset before each test. After each test, every GitHub response
 * it received (success or error) must validate against GitHub's OpenAPI schema for that
 * operation and status; `observe` sees each one, e.g. to check coverage.
 */
export function useSandbox(
  observe: (response: Recorded) => void = () => {},
  config: SandboxConfig = defaultSandboxConfig,
): SandboxContext {
  const context = { recorded: [] as Recorded[] } as SandboxContext;
  beforeAll(async () => {
    context.sandbox = await startSandbox({ config });
    context.octokit = octokitFor(context.sandbox, context.recorded);
  });
  afterAll(() => context.sandbox.close());
  beforeEach(() => context.sandbox.admin.reset());
  afterEach(() => {
    // The admin API is the sandbox's own, so GitHub's document has nothing to say about it.
    // Downloaded bytes are not JSON, so they have no schema to meet.
    const github = context.recorded.filter(
      ({ route, headers }) =>
        !route.includes(' /_sandbox/') && !/octet-stream/.test(String(headers['content-type'] ?? '')),
    );
    context.recorded.length = 0;
    const invalid = github.flatMap((response) => {
      observe(response);
      const [method = '', template = ''] = response.route.split(' ');
      return validateResponse(method, template, response.status, response.body).map(
        (error) => `${response.route} ${response.status}: ${error}`,
      );
    });
    expect(invalid).toEqual([]);
  });
  return context;
}
