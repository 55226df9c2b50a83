import { z } from 'zod';
import { firstIssue } from '../common/zod-sentence.js';
import type { SandboxClock } from './clock.js';
import { faultSchema, installationConfigSchema, limitsPatchSchema } from './config.js';
import type { FaultInjector } from './faults.js';
import { docs, GitHubError } from './github-errors.js';
import type { Installations } from './installations.js';
import type { RateLimiter } from './rate-limiter.js';
import type { RequestLogEntry } from './records.js';
import type { Route, RouteRequest, RouteResponse } from './router.js';
import type { GitHubStore } from './store.js';

export const ADMIN_PREFIX = '/_sandbox';

/**
 * What the admin API may see and touch of one sandbox. It is narrower than the sandbox
 * (no request pipeline), so the admin routes depend on the parts, not on the class that
 * serves them, and the sandbox hands itself in.
 */
export interface SandboxControls {
  readonly clock: Pick<SandboxClock, 'now' | 'advance'>;
  readonly store: Pick<GitHubStore, 'snapshot' | 'repo' | 'setBranch'>;
  readonly limiter: Pick<RateLimiter, 'limits' | 'setLimits' | 'usages'>;
  readonly installations: Pick<Installations, 'add'>;
  readonly faults: Pick<FaultInjector, 'add' | 'clear' | 'list'>;
  readonly requestLog: readonly RequestLogEntry[];
  /** The GitHub routes served, as `METHOD /template`. */
  readonly routes: string[];
  reset(): void;
}

const advanceBody = z.object({ ms: z.number().int().nonnegative() });
const branchBody = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/, 'must be 40 lowercase hex digits') });

/** Admin input errors are the caller's to fix, so they come back as 400 with the field named. */
function parseAdminBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw new GitHubError(400, `Invalid ${field ?? 'body'}: ${message}.`, docs.root);
}

const json = (body: unknown): RouteResponse => ({ status: 200, body });

interface AdminRoute extends Omit<Route, 'handle'> {
  handle(sandbox: SandboxControls, request: RouteRequest): RouteResponse;
}

const at = (path: string) => `${ADMIN_PREFIX}${path}`;

/** The sandbox's own control API: state, branches, request log, limits and usage, installations, faults and clock. */
const ADMIN_ROUTES: AdminRoute[] = [
  {
    method: 'POST',
    template: at('/reset'),
    handle: (sandbox) => {
      sandbox.reset();
      return json({ reset: true });
    },
  },
  { method: 'GET', template: at('/routes'), handle: (sandbox) => json(sandbox.routes) },
  { method: 'GET', template: at('/state'), handle: (sandbox) => json(sandbox.store.snapshot()) },
  { method: 'GET', template: at('/requests'), handle: (sandbox) => json(sandbox.requestLog) },
  { method: 'GET', template: at('/limits'), handle: (sandbox) => json(sandbox.limiter.limits) },
  {
    method: 'PATCH',
    template: at('/limits'),
    handle: (sandbox, { body }) => {
      sandbox.limiter.setLimits(parseAdminBody(limitsPatchSchema, body));
      return json(sandbox.limiter.limits);
    },
  },
  { method: 'GET', template: at('/usage'), handle: (sandbox) => json(sandbox.limiter.usages()) },
  {
    // Installs a configured App on one more account; reset uninstalls it again.
    method: 'POST',
    template: at('/apps/{app_id}/installations'),
    handle: ({ installations }, { params, body }) => {
      const installation = parseAdminBody(installationConfigSchema, body);
      try {
        return json(installations.add(Number(params.app_id), installation));
      } catch (error) {
        throw new GitHubError(400, `Cannot install: ${(error as Error).message}.`, docs.root);
      }
    },
  },
  { method: 'GET', template: at('/faults'), handle: (sandbox) => json(sandbox.faults.list()) },
  {
    method: 'POST',
    template: at('/faults'),
    handle: (sandbox, { body }) => {
      sandbox.faults.add(parseAdminBody(faultSchema, body));
      return json(sandbox.faults.list());
    },
  },
  {
    method: 'DELETE',
    template: at('/faults'),
    handle: (sandbox) => {
      sandbox.faults.clear();
      return json([]);
    },
  },
  {
    // The sandbox has no git push: this creates or moves a branch to a commit, new or known.
    method: 'PUT',
    template: at('/repos/{owner}/{repo}/branches/{branch}'),
    greedyLast: true,
    handle: ({ store }, { params, body }) => {
      const repo = store.repo(params.owner ?? '', params.repo ?? '', docs.root);
      const { sha } = parseAdminBody(branchBody, body);
      const { ref, record } = store.setBranch(repo, params.branch ?? '', sha);
      return json({ ref, ...record });
    },
  },
  { method: 'GET', template: at('/clock'), handle: ({ clock }) => json({ now: clock.now() }) },
  {
    method: 'POST',
    template: at('/clock/advance'),
    handle: ({ clock }, { body }) => {
      clock.advance(parseAdminBody(advanceBody, body).ms);
      return json({ now: clock.now() });
    },
  },
];

/** The admin routes, bound to one sandbox. */
export function adminRoutes(sandbox: SandboxControls): Route[] {
  return ADMIN_ROUTES.map(({ handle, ...route }) => ({
    ...route,
    handle: (request) => handle(sandbox, request),
  }));
}
