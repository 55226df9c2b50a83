import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type pino from 'pino';
import { accountsOf } from './accounts.js';
import { ADMIN_PREFIX, adminRoutes, type SandboxControls } from './admin-routes.js';
import type { Caller } from './caller.js';
import { SandboxClock } from './clock.js';
import { CACHING, isNotModified, validators } from './conditional.js';
import type { ParsedFault, SandboxConfig } from './config.js';
import { authenticate } from './credentials.js';
import { badGateway, FaultInjector, faultEffect } from './faults.js';
import { answer, asResponse, badCredentials, docs, GitHubError, notFound } from './github-errors.js';
import { githubRoutes } from './github-routes.js';
import { Installations } from './installations.js';
import { type Admission, emptyAllowance, RateLimiter, rateLimitHeaders } from './rate-limiter.js';
import type { RequestLogEntry } from './records.js';
import { downloadRoute } from './release-endpoints.js';
import { findRoute, type Route, type RouteRequest, type RouteResponse, routeKey } from './router.js';
import { GitHubStore } from './store.js';
import { readJson, writeJson, writeStream } from './wire.js';

const CONTENT_CREATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

interface HandledRequest {
  response: RouteResponse;
  route: string | null;
  dropped: boolean;
  fault: ParsedFault['kind'] | null;
}

/** A handled request no fault touched. */
const plain = (route: string | null, response: RouteResponse): HandledRequest => ({
  route,
  dropped: false,
  fault: null,
  response,
});

const isAdminPath = (pathname: string): boolean =>
  pathname === ADMIN_PREFIX || pathname.startsWith(`${ADMIN_PREFIX}/`);

/**
 * A GET's 200 gets its validators, or becomes a bodiless 304 when the client already holds it.
 * GitHub does not count a 304 against the primary limit, so it is taken off the count.
 */
function revalidated(request: IncomingMessage, response: RouteResponse, admission: Admission): RouteResponse {
  if (request.method !== 'GET' || response.status !== 200 || response.stream) return response;
  const current = validators(response.body, response.lastModified);
  if (!isNotModified(request.headers, current)) {
    return { ...response, headers: { ...CACHING, ...current, ...response.headers } };
  }
  admission.uncount();
  return { status: 304, body: undefined, headers: { ...CACHING, ...current } };
}

/**
 * One sandbox: the GitHub state, its Apps, rate limits, faults, clock and request log, and the
 * request pipeline: authenticate, rate-limit, inject faults, handle, revalidate, answer (or drop).
 */
export class Sandbox implements SandboxControls {
  readonly clock: SandboxClock;
  readonly store: GitHubStore;
  readonly installations: Installations;
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  requestLog: RequestLogEntry[] = [];
  private readonly github: Route[];
  /** Served like GitHub's routes but not part of its REST API: asset downloads. */
  private readonly web: Route[];
  private readonly admin: Route[];

  constructor(
    private readonly config: SandboxConfig,
    url: string,
    private readonly logger: pino.Logger,
  ) {
    this.clock = new SandboxClock(config.timeCompression);
    const now = () => this.clock.now();
    const accounts = accountsOf(config);
    this.store = new GitHubStore(config, accounts, now);
    this.installations = new Installations(config.apps, accounts, now());
    this.limiter = new RateLimiter(config.limits, now);
    this.faults = new FaultInjector(config.faults);
    const services = { store: this.store, installations: this.installations, api: url, now };
    this.github = githubRoutes(services, this.limiter);
    this.web = [downloadRoute(services)];
    this.admin = adminRoutes(this);
  }

  /** The GitHub routes served, as `METHOD /template` in GitHub's OpenAPI spelling. */
  get routes(): string[] {
    return this.github.map(routeKey);
  }

  /** Back to the seeded state. The clock keeps running: time never goes backwards. */
  reset(): void {
    this.store.reset();
    this.installations.reset();
    this.limiter.reset();
    this.faults.reset();
    this.requestLog = [];
  }

  /** Removes what the sandbox keeps on disk (uploaded asset bytes). */
  dispose(): void {
    this.store.assets.dispose();
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
      const { status, body } = this.failure(request, error);
      if (response.headersSent) response.destroy();
      else
        writeJson(
          response,
          { status, body, headers: { 'x-github-request-id': requestId } },
          this.clock.now(),
        );
    }
  }

  private async serve(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const at = this.clock.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const isAdmin = isAdminPath(url.pathname);
    const caller = this.caller(request.headers.authorization, isAdmin, at);
    let outcome: HandledRequest;
    try {
      outcome =
        caller instanceof GitHubError
          ? plain(null, asResponse(caller))
          : await this.dispatch(request, { url, method, requestId, isAdmin }, caller);
    } catch (error) {
      // Caught here rather than in handle() so that the request log shows the 500 too.
      outcome = plain(null, asResponse(this.failure(request, error)));
    }
    const known = caller instanceof GitHubError ? undefined : caller;
    if (!isAdmin) this.requestLog.push(logEntry(method, url, known, at, outcome));
    if (outcome.dropped) {
      request.socket.destroy();
      return;
    }
    const rate = known ? this.limiter.window(known.identity) : emptyAllowance(this.clock.now());
    const headers = {
      'x-github-request-id': requestId,
      ...rateLimitHeaders(rate),
      ...outcome.response.headers,
    };
    const { stream } = outcome.response;
    if (stream)
      await writeStream(response, { status: outcome.response.status, headers, stream }, this.clock.now());
    else writeJson(response, { ...outcome.response, headers }, this.clock.now());
  }

  /** The caller, or the 401 GitHub sends; the admin API takes the configured personal tokens only. */
  private caller(header: string | undefined, isAdmin: boolean, nowMs: number): Caller | GitHubError {
    const caller = authenticate(header, this.config, this.installations, nowMs);
    if (caller instanceof GitHubError || !isAdmin || caller.kind === 'token') return caller;
    return badCredentials();
  }

  /** Admin calls skip rate limits and faults; GitHub calls are admitted, then faults apply. */
  private async dispatch(
    request: IncomingMessage,
    { url, method, requestId, isAdmin }: { url: URL; method: string; requestId: string; isAdmin: boolean },
    caller: Caller,
  ): Promise<HandledRequest> {
    const found = findRoute(isAdmin ? this.admin : [...this.github, ...this.web], method, url.pathname);
    const route = found ? routeKey(found.route) : null;
    try {
      const routeRequest: RouteRequest = {
        caller,
        path: url.pathname,
        params: found?.params ?? {},
        query: url.searchParams,
        // An upload's bytes stay on the request for the route to stream.
        body: found?.route.rawBody ? undefined : await readJson(request),
        incoming: request,
        requestId,
      };
      if (isAdmin) {
        if (!found) throw notFound(docs.root);
        return plain(route, await found.route.handle(routeRequest));
      }
      const admission = this.limiter.admit(caller.identity, {
        counted: route !== 'GET /rate_limit',
        contentCreating: CONTENT_CREATING.has(method),
      });
      try {
        if (!found || route === null) throw notFound(docs.root);
        const handled = await this.withFaults(route, (upstreamFailure) =>
          found.route.handle({ ...routeRequest, upstreamFailure }),
        );
        return { ...handled, response: revalidated(request, handled.response, admission) };
      } finally {
        admission.release();
      }
    } catch (error) {
      if (error instanceof GitHubError) return plain(route, asResponse(error));
      throw error;
    }
  }

  private async withFaults(
    route: string,
    handle: (upstreamFailure: boolean) => RouteResponse | Promise<RouteResponse>,
  ): Promise<HandledRequest> {
    const effect = faultEffect(this.faults.take(route));
    if (effect.latencyMs > 0) await sleep(effect.latencyMs);
    let response = effect.error
      ? asResponse(effect.error)
      : await answer(() => handle(effect.upstreamFailure));
    // A request refused before it got anywhere keeps its refusal; one taken in ends in the 502.
    const takenIn = response.status < 400 || response.status === 502;
    if (effect.upstreamFailure && takenIn) response = { ...asResponse(badGateway()), applied: true };
    return { route, dropped: effect.drop, fault: effect.kind, response };
  }

  /** A bug in the sandbox is logged and comes back as GitHub would send it: a JSON 500. */
  private failure(request: IncomingMessage, error: unknown): GitHubError {
    this.logger.error({ err: error, method: request.method, path: request.url }, 'Sandbox request failed');
    const message = error instanceof Error ? error.message : String(error);
    return new GitHubError(500, `Sandbox failure: ${message}`, docs.root);
  }
}

function logEntry(
  method: string,
  url: URL,
  caller: Caller | undefined,
  at: number,
  outcome: HandledRequest,
): RequestLogEntry {
  return {
    method,
    path: url.pathname + url.search,
    route: outcome.route,
    status: outcome.response.status,
    tokenId: caller?.tokenId ?? null,
    identity: caller?.identity.key ?? null,
    at,
    contentCreating: CONTENT_CREATING.has(method),
    applied: outcome.response.applied === true,
    dropped: outcome.dropped,
    fault: outcome.fault,
  };
}
