import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Caller } from './caller.js';

/** What a route handler gets: the caller, decoded path parameters, the query and the parsed JSON body. */
export interface RouteRequest {
  caller: Caller;
  /** The request's path, without its query. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body; undefined for a route that takes raw bytes (`rawBody`), which reads `incoming`. */
  body: unknown;
  /** The request itself: its headers, and for a `rawBody` route the bytes, unread. */
  incoming: IncomingMessage;
  /** The `x-github-request-id` the answer carries; the uploads host repeats it in error bodies. */
  requestId: string;
  /** An `upstream-failure` fault hit this request: the route takes it in as one that failed upstream. */
  upstreamFailure?: boolean;
}

export interface RouteResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** True when the request changed the sandbox's state. */
  applied?: boolean;
  /** When what a GET answered last changed (sandbox epoch ms), for `Last-Modified`. */
  lastModified?: number;
  /** Raw bytes to send instead of a JSON body (an asset download); `headers` describe them. */
  stream?: Readable;
}

export interface Route {
  method: string;
  /** GitHub's path template, exactly as in its OpenAPI document. */
  template: string;
  /** The last parameter may contain slashes (refs like `heads/feature/x`, tags like `release/v1`). */
  greedyLast?: boolean;
  /** The body is raw bytes (an asset upload): not read as JSON, left on `incoming` for the route. */
  rawBody?: boolean;
  handle(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

export const routeKey = (route: Pick<Route, 'method' | 'template'>): string =>
  `${route.method} ${route.template}`;

/** A malformed escape cannot name anything, so it matches no route (404) rather than failing. */
function safeDecode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function matchTemplate(route: Route, segments: string[]): Record<string, string> | undefined {
  const parts = route.template.split('/');
  if (route.greedyLast ? segments.length < parts.length : segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const isLast = index === parts.length - 1;
    const raw = isLast && route.greedyLast ? segments.slice(index).join('/') : (segments[index] ?? '');
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name === undefined) {
      if (part !== raw) return undefined;
      continue;
    }
    const value = safeDecode(raw);
    if (!value) return undefined;
    params[name] = value;
  }
  return params;
}

/** Finds the route for a request; literal segments win over parameters by route order. */
export function findRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | undefined {
  const segments = pathname.replace(/\/+$/, '').split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchTemplate(route, segments);
    if (params) return { route, params };
  }
  return undefined;
}
