import * as wf from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { ReceiptCheck } from '../runs/prepared.js';
import { type Refusal, refusalFacts } from '../runs/refusals.js';
import type { Run } from '../runs/run-state.js';
import { coreActivities } from './core-activities.js';

/** How a run's refused authorizations get on record (docs/runs.md): every one is, before its answer leaves. */
const sinks = wf.proxySinks<activities.RunSinks>();

const refusalOf = (run: Run | undefined, input: unknown, answer: Refusal) =>
  refusalFacts(run, input, answer, {
    workflowId: wf.workflowInfo().workflowId,
    recordedAt: new Date(Date.now()).toISOString(),
    updateId: wf.currentUpdateInfo()?.id ?? '',
  });

/**
 * A refusal decided without reading the receipt goes to the worker's sink, which records it before the
 * answer leaves: no command, so nothing in the history, and nothing again on replay.
 */
export function recordUnread(run: Run | undefined, input: unknown, answer: Refusal): Refusal {
  const receipt = (input as { receipt?: unknown } | null)?.receipt;
  sinks.audit.recordUnreadRefusal({ ...refusalOf(run, input, answer), receipt });
  return answer;
}

/** A refusal after reading the receipt is in the history already; its record is an activity, which never gives up. */
export async function recordRead(
  run: Run,
  input: unknown,
  answer: Refusal,
  check: ReceiptCheck,
): Promise<Refusal> {
  const receiptId = check.ok ? check.receiptId : check.claimedId;
  const refusal = { ...refusalOf(run, input, answer), receiptId, receiptVerified: check.ok };
  await wf.CancellationScope.nonCancellable(() => coreActivities.recordRunRefusal(refusal));
  return answer;
}
