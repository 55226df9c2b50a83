import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { tagRequest } from '../../src/demo/requests.js';
import { DEFAULT_MAIN_SHA, DEFAULT_REPOSITORY } from '../../src/sandbox/index.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';

/**
 * Issue 11, point 7: a tag that is valid under the git-ref rule but not ASCII once crashed
 * the sandbox while it wrote the `Location` header, and with it the whole `marketops start`.
 */
const suite = useExecutorHarness('time-skipping');
const runId = runIds('non-ascii');

/** What GitHub sends for `release/リリース-ü`: UTF-8 percent-encoded segments, slashes kept. */
const ENCODED = 'release/%E3%83%AA%E3%83%AA%E3%83%BC%E3%82%B9-%C3%BC';

const sandboxRef = async (name: string) => (await suite.harness.demoRepository()).refs[`refs/tags/${name}`];

/** One request exactly as written, for request targets `fetch` would refuse to send. */
function rawRequest(url: string, target: string, token: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.end(
        `GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: token ${token}\r\nConnection: close\r\n\r\n`,
      ),
    );
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('a tag with non-ASCII characters ships through the stack', () => {
  it.each([
    { kind: 'lightweight', tag: 'release/リリース-ü', message: undefined, type: 'commit' },
    { kind: 'annotated', tag: 'release/リリース-ü-annotated', message: 'Release ü', type: 'tag' },
  ])('$kind: succeeded, the ref exists, its URL is percent-encoded', async ({ tag, message, type }) => {
    const { harness } = suite;
    const request = tagRequest(runId(), tag, message);
    const result = await harness.withWorkers('prod', async () => harness.issueAndExecute(request));
    expect(result).toMatchObject({ status: 'succeeded' });
    if (result.status !== 'succeeded') return;
    expect(result.github.url).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeURI(result.github.url)).toBe(
      `${harness.sandbox.url}/repos/${DEFAULT_REPOSITORY}/git/refs/tags/${tag}`,
    );
    expect(await sandboxRef(tag)).toMatchObject({ type });
  });
});

describe('the sandbox over HTTP', () => {
  it('sends Location and url percent-encoded as GitHub does', async () => {
    const { sandbox } = suite.harness;
    const tag = 'release/リリース-ü';
    await sandbox.admin.reset();
    const response = await fetch(`${sandbox.url}/repos/${DEFAULT_REPOSITORY}/git/refs`, {
      method: 'POST',
      headers: { authorization: `token ${sandbox.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: `refs/tags/${tag}`, sha: DEFAULT_MAIN_SHA }),
    });
    expect(response.status).toBe(201);
    const expected = `${sandbox.url}/repos/${DEFAULT_REPOSITORY}/git/refs/tags/${ENCODED}`;
    expect(response.headers.get('location')).toBe(expected);
    expect(await response.json()).toMatchObject({ ref: `refs/tags/${tag}`, url: expected });
    expect(await sandboxRef(tag)).toMatchObject({ type: 'commit', sha: DEFAULT_MAIN_SHA });
  });

  it('answers a request it cannot serve with GitHub’s JSON 500 and keeps serving', async () => {
    const { sandbox } = suite.harness;
    // `new URL` refuses this target: before the fix that failure escaped and ended the process.
    const answer = await rawRequest(sandbox.url, '//[', sandbox.token);
    expect(answer).toMatch(/^HTTP\/1\.1 500 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      message: 'Sandbox failure: Invalid URL',
      documentation_url: 'https://docs.github.com/rest',
      status: '500',
    });
    const next = await fetch(`${sandbox.url}/repos/${DEFAULT_REPOSITORY}`, {
      headers: { authorization: `token ${sandbox.token}` },
    });
    expect(next.status).toBe(200);
  });
});
