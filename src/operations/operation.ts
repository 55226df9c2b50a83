import { z } from 'zod';
import type { ArtifactStore } from '../artifacts/index.js';
import type { Cost } from '../budgets/limits.js';
import { identifier, repositoryName } from '../common/text-fields.js';
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
    ...shape,
  });

/** What every operation request carries. */
export interface RequestBase {
  operation_kind: string;
  run_id: string;
  repository: string;
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

/** One GitHub write of an operation, with the reads before it; one activity runs it. */
export interface WriteStep<R> {
  /** What it may spend: its one write and at most this many reads. */
  cost: Cost;
  /**
   * Its activity's start-to-close timeout and its budget lease, when it needs longer than
   * GITHUB_ACTIVITY_TIMEOUT_MS (an upload, by its size); such a step heartbeats while it runs.
   */
  timeoutMs?: number;
  /** `carry` is the previous step's answer; undefined for the first step. */
  run(context: StepContext, request: R, carry: string | undefined): Promise<WriteAnswer>;
}

/**
 * Everything specific to one operation kind. The registry (registry.ts) lists them;
 * validation, receipts, the executor, metrics, previews, the CLI and the benchmarks derive
 * from it, so a kind that lacks a part does not compile.
 */
export interface OperationModule<R extends RequestBase = RequestBase> {
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
  /** Its writes in order, each with the reads that adopt an existing object instead. */
  writes(request: R): readonly [WriteStep<R>, ...WriteStep<R>[]];
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
