import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxConfig } from './config.js';
import { docs, GitHubError } from './github-errors.js';

/** Who sent a request, as far as the sandbox cares. */
export interface Caller {
  tokenId: string;
  /** A stable numeric id for the token's account, used in GitHub's primary-limit message. */
  userId: number;
}

/** GitHub takes `token x` and `bearer x`; an unknown token is no caller at all. */
export function authenticate(config: SandboxConfig, header: string | undefined): Caller | undefined {
  const presented = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  const index = config.tokens.findIndex((entry) => entry.token === presented);
  const entry = config.tokens[index];
  return entry ? { tokenId: entry.id, userId: 900_001 + index } : undefined;
}

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

/** Answers with GitHub's JSON headers; `Date` is sandbox time, which clients compute waits from. */
export function writeJson(
  response: ServerResponse,
  answer: { status: number; body: unknown; headers: Record<string, string> },
  nowMs: number,
): void {
  const payload = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    date: new Date(nowMs).toUTCString(),
    'x-github-media-type': 'github.v3; format=json',
    ...answer.headers,
  });
  response.end(payload);
}
