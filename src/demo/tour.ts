import type { JWK } from 'jose';
import type { AuditEntry } from '../audit/index.js';
import type { RunClient } from '../client/run-client.js';
import { Code } from '../codes.js';
import type { PublishReleaseRequest } from '../operations/publish-release/request.js';
import type { OperationRequest } from '../operations/registry.js';
import { DEFAULT_AUDIENCE, issueReceipt, opDigest } from '../receipts/index.js';
import type { PublicationPlan } from '../runs/plan.js';
import { type PreviewedStep, previewOf, previewText } from '../runs/report.js';
import { timelineText } from '../runs/timeline-view.js';
import type { AuthorizationAnswer, Mode, RunTimeline, StepView } from '../shared.js';
import { FEATURE_BRANCH, FEATURE_SHA, pullRequest, releaseRequest, tagRequest } from './requests.js';

/** Short, so a demo run never waits for a day if a step cannot start; every step normally ends in seconds. */
const DEADLINE_SECONDS = 600;
const TAMPERED_STEP = 'release';

/**
 * The demo's run: a tag, its release and a pull request ship; moving that tag to another
 * commit is refused by GitHub (CONFLICT), so the release that needs the move does not ship.
 */
export function demoPlan(runId: string): PublicationPlan {
  const tag = `v0.2.0-${runId.replace(/[^A-Za-z0-9]/g, '').slice(-8)}`;
  const release: PublishReleaseRequest = {
    ...releaseRequest(runId, tag),
    name: 'MarketOps v0.2.0',
    body: 'Phase 2 release, published by the demo.',
  };
  return {
    run_id: runId,
    steps: [
      { id: 'tag', request: tagRequest(runId, tag, 'MarketOps v0.2.0') },
      { id: TAMPERED_STEP, request: release, needs: ['tag'] },
      { id: 'pr', request: { ...pullRequest(runId, 'Launch notes'), body: 'Opened by the MarketOps demo.' } },
      // Needs the tag so it runs after it: then the tag exists, at main, and cannot move.
      {
        id: 'retag',
        request: { ...tagRequest(runId, tag, 'MarketOps v0.2.0'), sha: FEATURE_SHA },
        needs: ['tag'],
      },
      {
        id: 'rerelease',
        request: { ...release, name: 'MarketOps v0.2.0 (launch notes)', target_commitish: FEATURE_BRANCH },
        needs: ['retag'],
      },
    ],
  };
}

/** The genuine receipt with its claims rewritten to authorize other notes: its signature no longer holds. */
export function tamper(receipt: string, request: OperationRequest): string {
  const [header, payload = '', signature] = receipt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  const other = { ...request, body: 'Tampered release notes.' } as OperationRequest;
  const forged = { ...claims, op_digest: opDigest(other) };
  return [header, Buffer.from(JSON.stringify(forged)).toString('base64url'), signature].join('.');
}

export interface DemoStory {
  runId: string;
  workflowId: string;
  preview: PreviewedStep[];
  /** The tampered receipt's answer first, then one per step in plan order. */
  authorizations: AuthorizationAnswer[];
  timeline: RunTimeline;
  /** Temporal's closing status of the run, as the Web UI's workflows list shows it. */
  closedAs: string;
}

const answerLine = (answer: AuthorizationAnswer, tampered: boolean): string => {
  const what = `${answer.step}${tampered ? ' (tampered receipt)' : ''}`;
  const expected = tampered ? answer.status === 'refused' : answer.status === 'accepted';
  const said =
    answer.status === 'accepted'
      ? `accepted, runs as ${answer.workflowId}`
      : answer.status === 'pending'
        ? `pending: ${answer.missing.join(' ')}`
        : `refused: ${answer.reasons.map((r) => `${r.code}: ${r.message}`).join('; ')}`;
  return `${expected ? '✔' : '✘'} ${what}: ${said}`;
};

/**
 * The scripted run `marketops demo` drives against a live stack, as Federation Core would:
 * preview the plan, start the run, deliver a tampered receipt (refused at once) and then a
 * genuine receipt per step, and wait for the timeline.
 */
export async function runDemoStory(
  runs: RunClient,
  signingKey: JWK,
  runId: string,
  log: (text: string) => void,
): Promise<DemoStory> {
  const plan = demoPlan(runId);
  const preview = previewOf(plan, await runs.preview(plan));
  log(previewText(runId, preview));
  const { workflowId } = await runs.start(plan, { deadlineSeconds: DEADLINE_SECONDS });
  log(`\nStarted ${workflowId}: it waits for one receipt per step, then ships the steps in order.`);

  const issue = (request: OperationRequest) =>
    issueReceipt(signingKey, request, { ttlSeconds: 3600, audience: DEFAULT_AUDIENCE });
  const receipts = await Promise.all(
    plan.steps.map(async (step) => ({ step: step.id, receipt: await issue(step.request) })),
  );
  const release = receipts.find((r) => r.step === TAMPERED_STEP)?.receipt ?? '';
  const releaseRequest = plan.steps.find((s) => s.id === TAMPERED_STEP)?.request as PublishReleaseRequest;
  // Tampered first: once the genuine receipt is accepted, a second would be refused before being read.
  const [refused] = await runs.authorize(runId, [
    { step: TAMPERED_STEP, receipt: tamper(release, releaseRequest) },
  ]);
  const authorizations = [refused as AuthorizationAnswer, ...(await runs.authorize(runId, receipts))];
  log('\nAuthorizations, each answered at once by the run:');
  log(authorizations.map((answer, index) => answerLine(answer, index === 0)).join('\n'));

  log('\nWaiting for the run to end (GitHub writes are paced)…');
  const timeline = await runs.result(runId);
  log(timelineText(timeline));
  const closedAs = await runs.status(runId);
  log(
    `Closed ${closedAs} in Temporal: the workflows list shows at a glance ${CLOSINGS[closedAs] ?? 'how it ended'}.`,
  );
  return { runId, workflowId, preview, authorizations, timeline, closedAs };
}

/** Shipped, or why not: GitHub's own code when it refused, so a CONFLICT reads as one. */
function outcomeOf(step: StepView): string {
  if (step.status === 'shipped') return 'shipped';
  if (step.reason?.code === Code.GITHUB_REFUSED) return step.reason.detail[0]?.code ?? step.reason.code;
  return step.reason?.code ?? step.status;
}

const CLOSINGS: Record<string, string> = {
  FAILED: 'that not every step shipped',
  COMPLETED: 'that every step shipped, or that the run was dry-run',
};

const PROD_OUTCOMES: Record<string, string> = {
  tag: 'shipped',
  release: 'shipped',
  pr: 'shipped',
  retag: Code.CONFLICT,
  rerelease: Code.NEEDED_STEP_NOT_SHIPPED,
};

/** What the run should show in each mode: each step's outcome, and the story in one sentence. */
export const SCRIPT: Record<Mode, { outcomes: Record<string, string>; closedAs: string; told: string }> = {
  prod: {
    outcomes: PROD_OUTCOMES,
    closedAs: 'FAILED',
    told: 'a tampered receipt was refused at once and recorded; tag, release and pr shipped; GitHub refused retag (CONFLICT), so rerelease, which needs it, did not ship, and the run closed Failed.',
  },
  // Dry-run shows what each step would send, so the dependants of a blocked step are blocked too.
  'dry-run': {
    outcomes: Object.fromEntries(Object.keys(PROD_OUTCOMES).map((id) => [id, Code.BLOCKED_BY_MODE])),
    closedAs: 'COMPLETED',
    told: 'a tampered receipt was refused at once and recorded; every step showed what it would send, nothing was written, and the run completed.',
  },
};

/** Where the story differs from the script, one sentence each; empty when it went as expected. */
export function storyProblems(story: DemoStory): string[] {
  const [tampered, ...genuine] = story.authorizations;
  const problems: string[] = [];
  if (tampered?.status !== 'refused' || tampered.reasons[0]?.code !== Code.RECEIPT_UNVERIFIED)
    problems.push('The tampered receipt was not refused as unverifiable.');
  for (const answer of genuine)
    if (answer.status !== 'accepted') problems.push(`The receipt of step ${answer.step} was refused.`);
  const { outcomes: expected, closedAs } = SCRIPT[story.timeline.mode];
  if (story.closedAs !== closedAs) problems.push(`The run closed ${story.closedAs}, not ${closedAs}.`);
  for (const step of story.timeline.steps) {
    const outcome = outcomeOf(step);
    if (outcome !== expected[step.id])
      problems.push(`Step ${step.id} ended ${outcome}, not ${expected[step.id]}.`);
    if (
      outcome === Code.NEEDED_STEP_NOT_SHIPPED &&
      !step.needs.some((id) => step.reason?.message.includes(`"${id}"`))
    )
      problems.push(`Step ${step.id} did not name the step it needed.`);
  }
  return problems;
}

/** The run record must be in the trail, and so must every step record it names, and the tampered receipt's refusal. */
export function trailProblems(timeline: RunTimeline, trail: readonly AuditEntry[]): string[] {
  const leaves = new Set(trail.map((entry) => entry.leafHash));
  const runRecord = trail.find((entry) => entry.leafHash === timeline.audit?.leafHash);
  if (!runRecord) return [`The run record of ${timeline.runId} is not in its audit trail.`];
  const refused = trail.some(
    ({ record }) =>
      record.authorization?.step === TAMPERED_STEP && record.reasons[0]?.code === Code.RECEIPT_UNVERIFIED,
  );
  return [
    ...(refused ? [] : ['The refusal of the tampered receipt is not in the audit trail.']),
    ...(runRecord.record.run?.steps ?? [])
      .filter((step) => step.leaf_hash !== null && !leaves.has(step.leaf_hash))
      .map((step) => `The record of step ${step.id}, named by the run record, is not in the audit trail.`),
  ];
}
