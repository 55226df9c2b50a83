import { z } from 'zod';
import type { ArtifactStore } from '../artifacts/index.js';
import type { Cost } from '../budgets/limits.js';
import {
  APPROVER_NAME_PATTERN,
  APPROVER_NAME_RULE,
  identifier,
  patternText,
  repositoryName,
} from '../common/text-fields.js';
import { requiredAs } from '../common/zod-sentence.js';
import type { GitHubCalls, GitHubEffect } from '../github/calls.js';
import type { Permission } from '../github/identities.js';
import type { GitHubWrite } from '../github/plan.js';
import type { AssetNow } from '../shared.js';

/** Titles and release names: GitHub shows them on one line. */
export const MAX_TITLE_LENGTH = 256;
/**
 * Bodies and tag messages. GitHub accepts 65536 characters in a pull request body and
 * 125000 in a release body; one limit for both keeps the contract simple and fits either.
 */
export const MAX_BODY_LENGTH = 65536;

export const flag = () => z.boolean({ error: requiredAs('true or false') });

/** An operation request: closed (an unknown member is an error), its kind fixed, then its own fields. */
export const requestSchema = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.strictObject({
    operation_kind: z.literal(kind),
    run_id: identifier(),
    repository: repositoryName(),
    /** Who asked, by approver name: a policy rule may forbid them from approving their own request. */
    requester: patternText(APPROVER_NAME_PATTERN, `an approver name: ${APPROVER_NAME_RULE}`).optional(),
    ...shape,
  });

/** What every operation request carries. */
export interface RequestBase {
  operation_kind: string;
  run_id: string;
  repository: string;
  requester?: string;
}

/**
 * What one write step answers: the operation's effect (written, or adopted as it already
 * existed), or what the next step needs (e.g. the tag object's sha before the tag ref).
 */
export type WriteAnswer = { effect: GitHubEffect } | { carry: string };

/** What a step works with: GitHub's calls, and the store that artifact bytes come from. */
export interface StepContext {
  calls: GitHubCalls;
  artifacts: ArtifactStore;
}

/** One GitHub write of an operation, with the reads before it; one activity runs it from its view. */
export interface WriteStep<V> {
  /** What it may spend: its one write and at most this many reads. */
  cost: Cost;
  /**
   * Its activity's start-to-close timeout and its budget lease, when it needs longer than
   * GITHUB_ACTIVITY_TIMEOUT_MS (an upload, by its size); such a step heartbeats while it runs.
   */
  timeoutMs?: number;
  /** `view` is the write's view of the request; `carry` the previous step's answer, undefined for the first. */
  run(context: StepContext, view: V, carry: string | undefined): Promise<WriteAnswer>;
}

/** What every write's view names: the repository it writes to, whose identity sends it. */
export interface ViewBase {
  repository: string;
}

/**
 * Everything specific to one operation kind. The registry (registry.ts) lists them;
 * validation, receipts, the executor, metrics, previews, the CLI and the benchmarks derive
 * from it, so a kind that lacks a part does not compile.
 */
export interface OperationModule<R extends RequestBase = RequestBase, V extends ViewBase = R> {
  /** The request's `operation_kind`. */
  kind: R['operation_kind'];
  /** The request a receipt binds: its fields and their limits. */
  schema: z.ZodType<R> & z.core.$ZodTypeDiscriminable;
  /** The least GitHub App permission it needs (write to ship it, read to preview it). */
  permission: Permission;
  /** The one-line summary the Web UI and the CLI show, e.g. `tag_repo acme/widgets v1.0.0`. */
  summary(request: R): string;
  /**
   * The ref an approval policy's `refs` patterns match (docs/policy.md): the branch or tag the
   * operation is about, e.g. a release's target, a tag's name, a pull request's base.
   */
  ref(request: R): string;
  /** The GitHub writes it sends when nothing exists yet: what a dry run and a run's preview show. */
  plan(request: R): GitHubWrite[];
  /**
   * Pure: each write's view of the request, in order: the part of it that write reads (the whole
   * request, or a release's one asset). Each write's activity gets only its view, so a workflow's
   * history grows with the request, not with its size times its number of writes.
   */
  views(request: R): readonly [V, ...V[]];
  /** A view as a write's activity parses it: strict, so the activity runs nothing it did not check. */
  view: z.ZodType<V>;
  /**
   * Write `write`, run from its view, with the reads that adopt an existing object instead.
   * Throws when the view is not that write's.
   */
  write(view: V, write: number): WriteStep<V>;
  /** The files a request ships beside its object (a release's assets); absent for a kind that ships none. */
  assets?: {
    /** Each file the request names, with its one-line preview (`name (size, short digest)`). */
    listed(request: R): { name: string; line: string }[];
    /** Read-only, for a preview: what GitHub has now for each of them. */
    now(context: StepContext, request: R): Promise<AssetNow[]>;
  };
  /** A valid request, for help texts and the docs. */
  example: R;
  /** What its effect adds to the audit record's `github` object: its ids (src/operations/record-fields.ts). */
  record: z.ZodRawShape;
}

/** The views and writes of a kind whose every write reads the whole (small) request. */
export function wholeRequestWrites<R extends RequestBase>(
  schema: z.ZodType<R>,
  writes: (request: R) => readonly [WriteStep<R>, ...WriteStep<R>[]],
): Pick<OperationModule<R>, 'views' | 'view' | 'write'> {
  return {
    views: (request) => writes(request).map(() => request) as [R, ...R[]],
    view: schema,
    write: (view, write) => nthWrite(writes(view), write, view.operation_kind),
  };
}

/** Write `write` of a list, or a RangeError naming the kind that has no such write. */
function nthWrite<S>(writes: readonly S[], write: number, kind: string): S {
  const step = writes[write];
  if (!step) throw new RangeError(`${kind} has no write ${write}`);
  return step;
}
