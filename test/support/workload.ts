import { createHash } from 'node:crypto';
import {
  type OperationKind,
  type OperationRequest,
  operationKinds,
  operationOf,
} from '../../src/operations/registry.js';
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
type SandboxRepo = SandboxState['repos'][number];
type RequestOfKind<K extends OperationKind> = Extract<OperationRequest, { operation_kind: K }>;

const shaOf = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 40);
export const MAIN_SHA = shaOf('bench-main');

const prBranch = (index: number) => `pr/${index}`;

/** One shape of request the workload sends: its fields for operation `index`, and a branch it needs seeded. */
interface BenchVariant<R extends OperationRequest> {
  fields(name: string, index: number): Omit<R, 'run_id' | 'repository'>;
  branch?(index: number): string;
}

/** What the workload knows of a kind: the requests it sends, and how it counts the effect in the sandbox. */
interface BenchKind<R extends OperationRequest> {
  variants: readonly BenchVariant<R>[];
  /** How many times the request's effect exists: 1 when done, 0 when not, more is a duplicate. */
  count(repo: SandboxRepo, request: R): number;
}

/** One entry per registered kind: a kind without one does not compile. */
const benchKinds: { [K in OperationKind]: BenchKind<RequestOfKind<K>> } = {
  publish_release: {
    variants: [
      {
        fields: (name) => ({
          operation_kind: 'publish_release',
          tag_name: `rel-${name}`,
          name: `Release ${name}`,
          body: `Notes for ${name}`,
          target_commitish: 'main',
          draft: false,
          prerelease: false,
        }),
      },
    ],
    count: (repo, request) => repo.releases.filter((release) => release.tag_name === request.tag_name).length,
  },
  tag_repo: {
    variants: [
      { fields: (name) => ({ operation_kind: 'tag_repo', tag: `tag-${name}`, sha: MAIN_SHA }) },
      {
        fields: (name) => ({
          operation_kind: 'tag_repo',
          tag: `tag-${name}`,
          sha: MAIN_SHA,
          message: `Tag ${name}`,
        }),
      },
    ],
    count: (repo, request) => (`refs/tags/${request.tag}` in repo.refs ? 1 : 0),
  },
  open_pr: {
    variants: [
      {
        fields: (name, index) => ({
          operation_kind: 'open_pr',
          head: prBranch(index),
          base: 'main',
          title: `Change ${name}`,
          body: `Body of ${name}`,
          draft: false,
        }),
        branch: prBranch,
      },
    ],
    count: (repo, request) => repo.pulls.filter((pull) => pull.head.ref === request.head).length,
  },
};

/** The workload's cycle, in the registry's order: a release, a lightweight and an annotated tag, a pull request. */
const VARIANTS: readonly BenchVariant<OperationRequest>[] = operationKinds.flatMap(
  (kind) => benchKinds[kind].variants as readonly BenchVariant<OperationRequest>[],
);
const variantAt = (index: number) => VARIANTS[index % VARIANTS.length] as BenchVariant<OperationRequest>;

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
  for (let i = 0; i < ops; i++) {
    const branch = variantAt(i).branch?.(i);
    if (branch) branches[branch] = shaOf(branch);
  }
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
  const fields = variantAt(index).fields(`${runId}-${index}`, index);
  return { run_id: runId, repository: `${repo.owner}/${repo.name}`, ...fields } as OperationRequest;
}

export const benchRequests = (runId: string, ops: number, repo: BenchRepo = BENCH_REPO): OperationRequest[] =>
  Array.from({ length: ops }, (_, index) => benchRequest(runId, index, repo));

/** Content-creating requests an operation sends when nothing exists yet. */
export const writesOf = (request: OperationRequest): number => operationOf(request).views(request).length;

/** How many times the operation's effect exists in the sandbox: 1 when done, 0 when not, more is a duplicate. */
export function effectCount(state: SandboxState, request: OperationRequest): number {
  const repo = state.repos.find((r) => `${r.owner}/${r.name}` === request.repository);
  const kind = benchKinds[request.operation_kind] as BenchKind<OperationRequest>;
  return repo ? kind.count(repo, request) : 0;
}
