import { Readable } from 'node:stream';
import { request } from 'undici';

/** Statuses whose response has no body: a Response refuses one. */
const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * The `fetch` an upload's Octokit request uses. Node's own fetch reads a streamed request body
 * ahead of the socket (measured: a 256 MiB upload grew the process by ~270 MiB), while undici's
 * `request` writes it with backpressure (~36 MiB), so the file is never held. Octokit still adds
 * its auth and parses the answer: only the transport differs.
 */
export async function streamingFetch(url: string, init: RequestInit): Promise<Response> {
  const answer = await request(url, {
    method: (init.method ?? 'GET') as 'POST',
    headers: init.headers as Record<string, string>,
    body: init.body as Readable,
    signal: init.signal ?? undefined,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
  }
  const body = NO_BODY.has(answer.statusCode) ? null : (Readable.toWeb(answer.body) as ReadableStream);
  if (!body) answer.body.resume();
  return new Response(body, { status: answer.statusCode, headers });
}
