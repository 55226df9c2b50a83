import type { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { conflictMessage, type Difference } from '../../github/adoption.js';
import type { GitHubIdentity } from '../../github/identities.js';
import { type GitHubWrite, splitRepository } from '../../github/plan.js';
import type { ExecutorMetrics } from '../../metrics/executor-metrics.js';
import { FailureCode } from '../../shared.js';
import { assertBeforeExpiry, authorizationNow } from '../authorization-window.js';
import type { Pace } from '../budgets.js';
import { toFailure } from './failures.js';

/** What a GitHub activity leaves behind; `adopted` means it already existed exactly as requested. */
export interface GitHubEffect {
  url: string;
  id: string;
  adopted: boolean;
  /** What was affected, and which identity acted: the audit record's `github` object is made of these. */
  identifiers: { release_id?: number; tag_sha?: string; pr_number?: number; identity?: GitHubIdentity };
  responseSha256: string;
}

export interface GitHubActivityInput<R> {
  request: R;
  /** The receipt's exp, epoch ms: no write is sent at or after it. */
  notAfter: number;
  /**
   * The budget reservation this call uses (see src/activities/budgets.ts): the workflow's key
   * for a first call, the key it was told to wait for after a budget wait. Absent in calls
   * scheduled by workflow code from before budgets.
   */
  reservation?: string;
}

/** Fails with CONFLICT when `found` names any difference; adoption goes on only when it is empty. */
export function assertAdoptable(subject: string, found: readonly Difference[]): void {
  if (found.length > 0)
    throw ApplicationFailure.nonRetryable(conflictMessage(subject, found), FailureCode.conflict);
}

type Params = Record<string, unknown>;
type Headers = Record<string, string | number | undefined>;
const statusOf = (error: unknown) => (error as { status?: number }).status;

/** A preview's calls: it sends no write and reserves nothing. */
const UNPACED: Pace = { onHeaders: () => {}, beforeWrite: async () => {} };

/**
 * The GitHub calls every activity is built from: counted, parsed at the boundary, and guarded
 * by exp. Every response's headers, a refusal's included, go to the pace's `onHeaders` (the
 * budget learns GitHub's primary window from them); a write waits for the pace's `beforeWrite`,
 * which ends the attempt instead, sending nothing, once the reservation's lease is over.
 */
export function githubCalls(octokit: Octokit, metrics: ExecutorMetrics, pace: Pace = UNPACED) {
  const { onHeaders } = pace;
  async function call<S extends z.ZodType>(route: string, params: Params, schema: S): Promise<z.infer<S>> {
    try {
      const response = await octokit.request(route, params);
      metrics.githubCall(response.status);
      onHeaders(response.headers);
      return schema.parse(response.data);
    } catch (error) {
      metrics.githubCall(statusOf(error) ?? 0);
      onHeaders((error as { response?: { headers?: Headers } }).response?.headers);
      throw error;
    }
  }

  /** A GET that treats `absentStatus` (GitHub's 404, or the 422 of an unknown commit) as "absent". */
  async function find<S extends z.ZodType>(route: string, params: Params, schema: S, absentStatus = 404) {
    try {
      return await call(route, params, schema);
    } catch (error) {
      if (statusOf(error) === absentStatus) return undefined;
      throw error;
    }
  }

  async function send<S extends z.ZodType>(
    write: GitHubWrite,
    repository: string,
    schema: S,
    notAfter: number,
  ): Promise<z.infer<S>> {
    await pace.beforeWrite();
    assertBeforeExpiry(notAfter);
    return call(`POST ${write.route}`, { ...splitRepository(repository), ...write.body }, schema);
  }

  /** Every GitHub error leaves as a Temporal failure carrying its retry decision. */
  async function guarded<T>(notAfter: number, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const failure = toFailure(error, { now: authorizationNow(), notAfter });
      if (failure.type?.endsWith('RATE_LIMIT')) metrics.rateLimitWait(failure.type);
      throw failure;
    }
  }

  /**
   * Adopts what already exists, or writes it. A 422 on the write can mean "it already
   * exists" (a response lost earlier, or the same effect made elsewhere): look again and
   * adopt a match rather than fail.
   */
  async function adoptOrCreate<S extends z.ZodType>(spec: {
    repository: string;
    notAfter: number;
    adopt: () => Promise<GitHubEffect | undefined>;
    write: GitHubWrite;
    schema: S;
    created: (response: z.infer<S>) => GitHubEffect;
  }): Promise<GitHubEffect> {
    const adopted = await spec.adopt();
    if (adopted) return adopted;
    try {
      return spec.created(await send(spec.write, spec.repository, spec.schema, spec.notAfter));
    } catch (error) {
      if (statusOf(error) !== 422) throw error;
      const found = await spec.adopt();
      if (found) return found;
      throw error;
    }
  }

  return { call, find, send, guarded, adoptOrCreate };
}

export type GitHubCalls = ReturnType<typeof githubCalls>;
