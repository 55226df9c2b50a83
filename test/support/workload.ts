import { createHash } from 'node:crypto';
import { openPr } from '../../src/operations/open-pr/index.js';
import { publishRelease } from '../../src/operations/publish-release/index.js';
import { type OperationRequest, operationOf } from '../../src/operations/registry.js';
import { tagRepo } from '../../src/operations/tag-repo/index.js';
import {
  type Limits,
  type SandboxConfig,
  type SandboxState,
  sandboxConfigSchema,
} from '../../src/sandbox/index.js';

/**
 * The benchmark workload: mixed operations on one sandbox repository, each a new effect.
 * Pull requests need a head branch of their own (GitHub refuses a second open PR for the
 * same head and base), so the sandbox is seeded with one branch per PR.
 */
export const BENCH_REPO = { owner: 'bench', name: 'site' } as const;
type BenchRepo = { readonly owner: string; readonly name: string };
const KINDS = ['release', 'lightweight-tag', 'annotated-tag', 'pull-request'] as const;

const shaOf = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 40);
export const MAIN_SHA = shaOf('bench-main');

const kindAt = (index: number) => KINDS[index % KINDS.length] as (typeof KINDS)[number];
const prBranch = (index: number) => `pr/${index}`;

/** Every sandbox rate limit off: what the throughput benchmark and the drills measure is the executor. */
export const LIMITS_OFF: Limits = {
  primaryPerHour: null,
  secondaryPerMinute: null,
  secondaryPerHour: null,
  maxConcurrency: null,
  pointsPerMinute: null,
  status: 403,
};

/** A sandbox repository seeded for `ops` operations: main plus a head branch per pull request. */
export function benchRepoConfig(ops: number, repo: BenchRepo = BENCH_REPO) {
  const branches: Record<string, string> = { main: MAIN_SHA };
  for (let i = 0; i < ops; i++) if (kindAt(i) === 'pull-request') branches[prBranch(i)] = shaOf(prBranch(i));
  return { ...repo, default_branch: 'main', branches };
}

/** The sandbox seeded for `ops` operations on the bench repository. */
export function benchSandboxConfig(
  ops: number,
  limits: Limits = LIMITS_OFF,
  timeCompression = 1,
): SandboxConfig {
  return sandboxConfigSchema.parse({
    tokens: [{ id: 'bench', token: 'bench-token' }],
    repos: [benchRepoConfig(ops)],
    limits,
    timeCompression,
  });
}

/** Operation `index` of run `runId`: a release, a lightweight or annotated tag, or a pull request. */
export function benchRequest(runId: string, index: number, repo: BenchRepo = BENCH_REPO): OperationRequest {
  const common = { run_id: runId, repository: `${repo.owner}/${repo.name}` };
  const name = `${runId}-${index}`;
  switch (kindAt(index)) {
    case 'release':
      return {
        ...common,
        operation_kind: publishRelease.kind,
        tag_name: `rel-${name}`,
        name: `Release ${name}`,
        body: `Notes for ${name}`,
        target_commitish: 'main',
        draft: false,
        prerelease: false,
      };
    case 'lightweight-tag':
      return { ...common, operation_kind: tagRepo.kind, tag: `tag-${name}`, sha: MAIN_SHA };
    case 'annotated-tag':
      return {
        ...common,
        operation_kind: tagRepo.kind,
        tag: `tag-${name}`,
        sha: MAIN_SHA,
        message: `Tag ${name}`,
      };
    case 'pull-request':
      return {
        ...common,
        operation_kind: openPr.kind,
        head: prBranch(index),
        base: 'main',
        title: `Change ${name}`,
        body: `Body of ${name}`,
        draft: false,
      };
  }
}

export const benchRequests = (runId: string, ops: number, repo: BenchRepo = BENCH_REPO): OperationRequest[] =>
  Array.from({ length: ops }, (_, index) => benchRequest(runId, index, repo));

/** Content-creating requests an operation sends when nothing exists yet. */
export const writesOf = (request: OperationRequest): number => operationOf(request).writes(request).length;

/** How many times the operation's effect exists in the sandbox: 1 when done, 0 when not, more is a duplicate. */
export function effectCount(state: SandboxState, request: OperationRequest): number {
  const repo = state.repos.find((r) => `${r.owner}/${r.name}` === request.repository);
  if (!repo) return 0;
  switch (request.operation_kind) {
    case publishRelease.kind:
      return repo.releases.filter((release) => release.tag_name === request.tag_name).length;
    case tagRepo.kind:
      return `refs/tags/${request.tag}` in repo.refs ? 1 : 0;
    case openPr.kind:
      return repo.pulls.filter((pull) => pull.head.ref === request.head).length;
  }
}
