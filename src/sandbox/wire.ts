import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { docs, GitHubError } from './github-errors.js';

/** The request body as JSON; none at all is `undefined`, anything unparsable GitHub's 400. */
export async function readJson(request: IncomingMessage): Promise<unknown> {
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

/**
 * Answers with GitHub's JSON headers, or with none of the body's for a bodiless answer (304);
 * `Date` is sandbox time, which clients compute waits from.
 */
export function writeJson(
  response: ServerResponse,
  answer: { status: number; body: unknown; headers: Record<string, string> },
  nowMs: number,
): void {
  const payload = answer.body === undefined ? undefined : JSON.stringify(answer.body);
  const content =
    payload === undefined
      ? {}
      : { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) };
  response.writeHead(answer.status, {
    ...content,
    date: new Date(nowMs).toUTCString(),
    'x-github-media-type': 'github.v3; format=json',
    ...answer.headers,
  });
  response.end(payload);
}

/** Answers with raw bytes (an asset download), streamed; `headers` carry their type and length. */
export async function writeStream(
  response: ServerResponse,
  answer: { status: number; headers: Record<string, string>; stream: Readable },
  nowMs: number,
): Promise<void> {
  response.writeHead(answer.status, { date: new Date(nowMs).toUTCString(), ...answer.headers });
  await pipeline(answer.stream, response);
}
