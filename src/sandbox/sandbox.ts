import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type pino from 'pino';
import { ADMIN_PREFIX, adminRoutes } from './admin-routes.js';
import { SandboxClock } from './clock.js';
import type { ParsedFault, SandboxConfig } from './config.js';
import { FaultInjector } from './faults.js';
import { badCredentials, docs, GitHubError, notFound } from './github-errors.js';
import { githubRoutes } from './github-routes.js';
import { RateLimiter } from './rate-limiter.js';
import type { RequestLogEntry } from './records.js';
import { Representations } from './representations.js';
import { findRoute, type Route, type RouteResponse, routeKey } from './router.js';
import { GitHubStore } from './store.js';

const CONTENT_CREATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const FAULT_MESSAGES: Record<number, string> = {
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

interface Caller {
  tokenId: string;
  /** A stable numeric id for the token's account, used in GitHub's primary-limit message. */
  userId: number;
}

interface Outcome {
  response: RouteResponse;
  route: string | null;
  dropped: boolean;
  fault: ParsedFault['kind'] | null;
}

function authenticate(config: SandboxConfig, header: string | undefined): Caller | undefined {
  const presented = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  const index = config.tokens.findIndex((entry) => entry.token === presented);
  const entry = config.tokens[index];
  return entry ? { tokenId: entry.id, userId: 900_001 + index } : undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new GitHubError(400, 'Problems parsing JSON', docs.root);
  }
}

const asResponse = (error: GitHubError): RouteResponse => ({
  status: error.status,
  body: error.body,
  headers: error.headers,
});

/**
 * One sandbox: the GitHub state, its rate limits, faults, clock and request log, and the
 * request pipeline: authenticate, rate-limit, inject faults, handle, answer (or drop).
 */
export class Sandbox {
  readonly clock: SandboxClock;
  readonly store: GitHubStore;
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  requestLog: RequestLogEntry[] = [];
  private readonly github: Route[];
  private readonly admin: Route[];

  constructor(
    private readonly config: SandboxConfig,
    url: string,
    private readonly logger: pino.Logger,
  ) {
    this.clock = new SandboxClock(config.timeCompression);
    const now = () => this.clock.now();
    this.store = new GitHubStore(config, now);
    this.limiter = new RateLimiter(config.limits, now);
    this.faults = new FaultInjector(config.faults);
    this.github = githubRoutes(this.store, new Representations(url), this.limiter);
    this.admin = adminRoutes(this);
  }

  /** The GitHub routes served, as `METHOD /template` in GitHub's OpenAPI spelling. */
  get routes(): string[] {
    return this.github.map(routeKey);
  }

  /** Back to the seeded state. The clock keeps running: time never goes backwards. */
  reset(): void {
    this.store.reset();
    this.limiter.reset();
    this.faults.reset();
    this.requestLog = [];
  }

  /**
   * Answers one request and never rejects: whatever fails (a handler, a header Node refuses to
   * write), the client gets GitHub's JSON 500 if the answer has not started, and the process
   * serving the sandbox lives on.
   */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    try {
      await this.serve(request, response, requestId);
    } catch (error) {
      const failure = this.failure(request, error);
      if (response.headersSent) response.destroy();
      else this.write(response, failure.status, failure.body, { 'x-github-request-id': requestId });
    }
  }

  private async serve(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const at = this.clock.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const caller = authenticate(this.config, request.headers.authorization);
    const isAdmin = url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`);
    let outcome: Outcome;
    try {
      outcome = caller
        ? await this.dispatch(request, url, method, caller, isAdmin)
        : { response: asResponse(badCredentials()), route: null, dropped: false, fault: null };
    } catch (error) {
      // Caught here rather than in handle() so that the request log shows the 500 too.
      const failure = this.failure(request, error);
      outcome = { response: asResponse(failure), route: null, dropped: false, fault: null };
    }
    if (!isAdmin) {
      this.requestLog.push({
        method,
        path: url.pathname + url.search,
        route: outcome.route,
        status: outcome.response.status,
        tokenId: caller?.tokenId ?? null,
        at,
        contentCreating: CONTENT_CREATING.has(method),
        applied: outcome.response.applied === true,
        dropped: outcome.dropped,
        fault: outcome.fault,
      });
    }
    if (outcome.dropped) {
      request.socket.destroy();
      return;
    }
    this.send(response, outcome.response, caller, requestId);
  }

  private async dispatch(
    request: IncomingMessage,
    url: URL,
    method: string,
    caller: Caller,
    isAdmin: boolean,
  ): Promise<Outcome> {
    const found = findRoute(isAdmin ? this.admin : this.github, method, url.pathname);
    const route = found ? routeKey(found.route) : null;
    try {
      const body = await readJson(request);
      const routeRequest = {
        tokenId: caller.tokenId,
        params: found?.params ?? {},
        query: url.searchParams,
        body,
      };
      if (isAdmin) {
        if (!found) throw notFound(docs.root);
        return { route, dropped: false, fault: null, response: await found.route.handle(routeRequest) };
      }
      const admission = this.limiter.admit(caller.tokenId, caller.userId, {
        counted: route !== 'GET /rate_limit',
        contentCreating: CONTENT_CREATING.has(method),
      });
      try {
        if (!found || route === null) throw notFound(docs.root);
        return await this.withFaults(route, () => found.route.handle(routeRequest));
      } finally {
        admission.release();
      }
    } catch (error) {
      if (error instanceof GitHubError)
        return { route, dropped: false, fault: null, response: asResponse(error) };
      throw error;
    }
  }

  /** Applies the faults armed for this route: latency first, then a 5xx or a dropped response. */
  private async withFaults(
    route: string,
    handle: () => RouteResponse | Promise<RouteResponse>,
  ): Promise<Outcome> {
    const hitting = this.faults.take(route);
    for (const fault of hitting) if (fault.kind === 'latency') await sleep(fault.latencyMs);
    const failing = hitting.find((fault) => fault.kind !== 'latency');
    const fault = failing?.kind ?? hitting[0]?.kind ?? null;
    if (failing?.kind === 'status') {
      const error = new GitHubError(
        failing.status,
        FAULT_MESSAGES[failing.status] ?? 'Server Error',
        docs.root,
      );
      return { route, dropped: false, fault, response: asResponse(error) };
    }
    const response = await this.run(handle);
    return { route, dropped: failing?.kind === 'drop-after-apply', fault, response };
  }

  private async run(handle: () => RouteResponse | Promise<RouteResponse>): Promise<RouteResponse> {
    try {
      return await handle();
    } catch (error) {
      if (error instanceof GitHubError) return asResponse(error);
      throw error;
    }
  }

  /** A bug in the sandbox is logged and comes back as GitHub would send it: a JSON 500. */
  private failure(request: IncomingMessage, error: unknown): GitHubError {
    this.logger.error({ err: error, method: request.method, path: request.url }, 'Sandbox request failed');
    const message = error instanceof Error ? error.message : String(error);
    return new GitHubError(500, `Sandbox failure: ${message}`, docs.root);
  }

  private send(
    response: ServerResponse,
    result: RouteResponse,
    caller: Caller | undefined,
    requestId: string,
  ) {
    const rateHeaders = caller
      ? this.limiter.headers(caller.tokenId)
      : // GitHub answers bad credentials with an empty allowance.
        {
          'x-ratelimit-limit': '0',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '0',
          'x-ratelimit-reset': String(Math.ceil(this.clock.now() / 1000) + 3600),
          'x-ratelimit-resource': 'core',
        };
    this.write(response, result.status, result.body, {
      'x-github-request-id': requestId,
      ...rateHeaders,
      ...result.headers,
    });
  }

  private write(response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
    const payload = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      date: new Date(this.clock.now()).toUTCString(),
      'x-github-media-type': 'github.v3; format=json',
      ...headers,
    });
    response.end(payload);
  }
}
