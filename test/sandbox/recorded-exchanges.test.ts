import fixtures from '@octokit/fixtures';
import { describe, expect, it } from 'vitest';
import { defaultSandboxConfig, sandboxConfigSchema } from '../../src/sandbox/index.js';
import {
  appSandboxConfig,
  asApp,
  FEATURE_BRANCH,
  failure,
  MAIN_SHA,
  octokitFor,
  repo,
  useSandbox,
} from './harness.js';

/**
 * Issue 19, point 7: two details of GitHub's answers, checked against the exchanges with
 * api.github.com that @octokit/fixtures recorded (github.com/octokit/fixtures, scenarios/api.github.com).
 *
 * - `ETag` on `201 Created`. Scenario git-refs: `POST …/git/refs` → 201 with a strong
 *   `ETag: "<64 hex>"` and `Cache-Control: private, max-age=60, s-maxage=60`; scenario
 *   release-assets: `POST …/releases` → 201 the same, and the GET of that release that follows
 *   carries the same ETag. Every other 201 recorded there has one too (issues, labels, statuses,
 *   contents, collaborators, project cards, repositories). No scenario creates a tag object or a pull
 *   request; the sandbox answers them like every recorded 201.
 * - `temp_clone_token`. Scenario get-repository (rename-repository likewise): `GET /repos/{owner}/{repo}`
 *   by a caller with `permissions.admin: true` on a public repository → `"temp_clone_token": ""`.
 *   `full-repository` declares it a nullable string; the sandbox sends null to everyone else.
 *   In the sandbox, the admin is a personal token configured with `repoAdmin: true`; installation
 *   tokens and App JWTs never are (the sandbox grants Apps no `administration` permission).
 */
const STRONG_SHA256_ETAG = /^"[0-9a-f]{64}"$/;
const config = sandboxConfigSchema.parse({
  ...appSandboxConfig(),
  tokens: [...defaultSandboxConfig.tokens, { id: 'owner', token: 'owner-token', repoAdmin: true }],
});
const t = useSandbox(() => {}, config);

describe('201 Created carries the ETag of what it created', () => {
  it('on a ref, a tag object, a release and a pull request, each a strong SHA-256 tag with the caching headers', async () => {
    const annotated = { tag: 'v19.7.0', message: 'annotated', object: MAIN_SHA, type: 'commit' } as const;
    const tag = await t.octokit.git.createTag({ ...repo, ...annotated });
    const created = [
      tag,
      await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v19.7.0', sha: tag.data.sha }),
      await t.octokit.repos.createRelease({ ...repo, tag_name: 'v19.7.1', target_commitish: 'main' }),
      await t.octokit.pulls.create({ ...repo, head: FEATURE_BRANCH, base: 'main', title: 'Launch' }),
    ];
    for (const response of created) {
      expect(response.status).toBe(201);
      expect(response.headers.etag).toMatch(STRONG_SHA256_ETAG);
      expect(response.headers['cache-control']).toBe('private, max-age=60, s-maxage=60');
    }
    expect(new Set(created.map((response) => response.headers.etag)).size).toBe(created.length);
  });

  it('which a GET of the same object matches: If-None-Match with it gets 304', async () => {
    const release = await t.octokit.repos.createRelease({
      ...repo,
      tag_name: 'v19.7.2',
      target_commitish: 'main',
    });
    const fetched = await t.octokit.repos.getReleaseByTag({ ...repo, tag: 'v19.7.2' });
    // The GET's tag is weak, the 201's strong: by weak comparison (RFC 9110) the same representation.
    expect(fetched.headers.etag).toBe(`W/${release.headers.etag}`);
    const revalidated = await failure(
      t.octokit.repos.getReleaseByTag({
        ...repo,
        tag: 'v19.7.2',
        headers: { 'if-none-match': String(release.headers.etag) },
      }),
    );
    expect(revalidated.status).toBe(304);
  });

  it('a refused create has none', async () => {
    await t.octokit.git.createRef({ ...repo, ref: 'refs/heads/copy', sha: MAIN_SHA });
    const duplicate = await failure(
      t.octokit.git.createRef({ ...repo, ref: 'refs/heads/copy', sha: MAIN_SHA }),
    );
    expect(duplicate.status).toBe(422);
    expect(duplicate.headers.etag).toBeUndefined();
  });
});

describe('temp_clone_token', () => {
  it('is empty for an admin of a public repository, as GitHub sends it, with permissions.admin true', async () => {
    const asOwner = octokitFor(t.sandbox, t.recorded, 'owner-token');
    const { data } = await asOwner.repos.get(repo);
    expect(data.temp_clone_token).toBe('');
    expect(data.permissions).toMatchObject({ admin: true, maintain: true, push: true });
  });

  it('is null for a token without admin and for an App installation', async () => {
    const installation = octokitFor(t.sandbox, t.recorded, { ...asApp, installationId: 1 });
    for (const octokit of [t.octokit, installation]) {
      const { data } = await octokit.repos.get(repo);
      expect(data).toHaveProperty('temp_clone_token', null);
      expect(data.permissions).toMatchObject({ admin: false, maintain: false });
    }
  });
});

/**
 * Issue 21, item 4: the release-assets and release-assets-conflict scenarios of @octokit/fixtures,
 * replayed request by request against the sandbox (owner, repository and ids mapped onto it). Each
 * answer must have the recorded status, every key of the recorded body with the same JSON type
 * (the sandbox may add later fields, like `digest`), the same values where they are not ids, dates
 * or URLs, and the recorded headers that matter.
 */
interface FixtureExchange {
  method: string;
  path: string;
  status: number;
  reqheaders: Record<string, string | number>;
  body?: unknown;
  response: unknown;
  headers: Record<string, string | number>;
}
const fixture = (scenario: string): FixtureExchange[] => fixtures.get(`api.github.com/${scenario}`);

/** Values compared as they are; everything else only by type. */
const COMPARED_VALUES = new Set([
  'name',
  'label',
  'content_type',
  'state',
  'size',
  'message',
  'errors',
  'tag_name',
  'draft',
]);

const kindOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** Where `actual` departs from the recorded `expected`: a missing key, another type, another value. */
function shapeDifferences(expected: unknown, actual: unknown, at = ''): string[] {
  if (kindOf(expected) !== kindOf(actual))
    return [`${at || '/'}: ${kindOf(actual)} instead of ${kindOf(expected)}`];
  if (Array.isArray(expected)) {
    const items = actual as unknown[];
    if (items.length !== expected.length)
      return [`${at}: ${items.length} items instead of ${expected.length}`];
    return expected.flatMap((item, index) => shapeDifferences(item, items[index], `${at}/${index}`));
  }
  if (kindOf(expected) !== 'object') return [];
  const object = actual as Record<string, unknown>;
  return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) => {
    if (!(key in object)) return [`${at}/${key}: missing`];
    if (COMPARED_VALUES.has(key) && JSON.stringify(value) !== JSON.stringify(object[key])) {
      return [`${at}/${key}: ${JSON.stringify(object[key])} instead of ${JSON.stringify(value)}`];
    }
    return shapeDifferences(value, object[key], `${at}/${key}`);
  });
}

/** Headers whose value must be the recorded one, and those that must be there exactly when recorded. */
const SAME_VALUE = ['content-type', 'cache-control'];
const SAME_PRESENCE = ['content-type', 'etag', 'location', 'link'];

/** `between` runs after the first exchange: where the recorder made a request it left out. */
async function replay(
  scenario: string,
  { url: sandboxUrl, token }: { url: string; token: string },
  between: () => Promise<unknown> = async () => {},
): Promise<string[]> {
  const differences: string[] = [];
  for (const [index, exchange] of fixture(scenario).entries()) {
    if (index === 1) await between();
    const path = exchange.path
      .replace(`/repos/octokit-fixture-org/${scenario}`, `/repos/${repo.owner}/${repo.repo}`)
      .replace(/\/(10\d\d)(?=[/?]|$)/g, (_match, id: string) => `/${Number(id) - 999}`);
    const { accept, 'content-type': contentType } = exchange.reqheaders;
    const body =
      typeof exchange.body === 'string'
        ? exchange.body
        : exchange.body
          ? JSON.stringify(exchange.body)
          : undefined;
    const response = await fetch(`${sandboxUrl}${path}`, {
      method: exchange.method.toUpperCase(),
      headers: {
        authorization: `token ${token}`,
        accept: String(accept),
        ...(contentType ? { 'content-type': String(contentType) } : {}),
      },
      ...(body ? { body } : {}),
    });
    const text = await response.text();
    const where = `${scenario} ${exchange.method.toUpperCase()} ${exchange.path}`;
    if (response.status !== exchange.status)
      differences.push(`${where}: ${response.status} instead of ${exchange.status}`);
    const actual = text === '' ? '' : JSON.parse(text);
    differences.push(
      ...shapeDifferences(exchange.response, actual).map((difference) => `${where} ${difference}`),
    );
    for (const header of SAME_PRESENCE) {
      const recorded = exchange.headers[header] !== undefined;
      if (recorded !== response.headers.has(header))
        differences.push(`${where} ${header}: present ${!recorded}`);
    }
    for (const header of SAME_VALUE) {
      const recorded = exchange.headers[header];
      if (recorded !== undefined && response.headers.get(header) !== String(recorded)) {
        differences.push(`${where} ${header}: ${response.headers.get(header)} instead of ${recorded}`);
      }
    }
    if (exchange.headers['last-modified'] !== undefined && !response.headers.has('last-modified')) {
      differences.push(`${where} last-modified: missing`);
    }
  }
  return differences;
}

describe('release assets, as recorded by @octokit/fixtures', () => {
  const release = {
    ...repo,
    tag_name: 'v1.0.0',
    name: 'Version 1.0.0',
    body: 'Initial release',
    target_commitish: MAIN_SHA,
  };

  it('release-assets: upload, list, get, rename and delete answer as GitHub did', async () => {
    await t.octokit.repos.createRelease(release);
    expect(await replay('release-assets', t.sandbox)).toEqual([]);
  });

  it('release-assets-conflict: the same name is 422 already_exists until deleted, then uploads again', async () => {
    const { data } = await t.octokit.repos.createRelease(release);
    // The upload the recorder left out, after reading the release: the asset the conflict is about.
    const setup = () =>
      t.octokit.repos.uploadReleaseAsset({
        ...repo,
        release_id: data.id,
        url: data.upload_url,
        name: 'test-upload.txt',
        label: 'test',
        data: 'Hello, world!\n' as unknown as string,
        headers: { 'content-type': 'text/plain' },
      });
    expect(await replay('release-assets-conflict', t.sandbox, setup)).toEqual([]);
  });
});
