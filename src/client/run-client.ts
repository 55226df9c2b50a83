import { randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { type PublicationPlan, parsePlan } from '../runs/plan.js';
import {
  type AuthorizationAnswer,
  authorizeStepUpdate,
  PREVIEW_WORKFLOW_TYPE,
  RUN_WORKFLOW_TYPE,
  type RunInput,
  type RunTimeline,
  runWorkflowIdFor,
  type StepAuthorization,
  type StepPreview,
  searchAttributes,
  TASK_QUEUE,
  timelineQuery,
} from '../shared.js';

/** Federation Core's side of a publication run (docs/runs.md): start it, authorize its steps, read it. */
export class RunClient {
  constructor(private readonly client: Client) {}

  /** What each step would do on GitHub now, read on the executor's workers: nothing is written or consumed. */
  preview(plan: PublicationPlan): Promise<StepPreview[]> {
    return this.client.workflow.execute<(plan: unknown) => Promise<StepPreview[]>>(PREVIEW_WORKFLOW_TYPE, {
      workflowId: `plan-preview-${plan.run_id}-${randomUUID()}`,
      taskQueue: TASK_QUEUE,
      args: [plan],
      staticSummary: `Preview of run ${plan.run_id}: reads only`,
    });
  }

  /** Starts the run of a plan; a run id runs once, so a second start is refused with a sentence. */
  async start(
    plan: unknown,
    options: { deadlineSeconds?: number } = {},
  ): Promise<{ runId: string; workflowId: string }> {
    // The workflow validates again; checking here turns a bad plan into a sentence before anything starts.
    const parsed = parsePlan(plan);
    if (!parsed.ok) throw new Error(parsed.message);
    const runId = parsed.plan.run_id;
    const workflowId = runWorkflowIdFor(runId);
    const input: RunInput = { plan: parsed.plan, deadlineSeconds: options.deadlineSeconds };
    try {
      await this.client.workflow.start(RUN_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [{ key: searchAttributes.runId, value: runId }],
        staticSummary: `Publication run ${runId}: ${parsed.plan.steps.length} steps`,
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw new Error(`Run ${runId} was already started as ${workflowId}; a run id runs once.`);
      throw error;
    }
    return { runId, workflowId };
  }

  /** Delivers receipts to their steps, all at once; each answer says at once whether it was accepted. */
  authorize(runId: string, authorizations: StepAuthorization[]): Promise<AuthorizationAnswer[]> {
    const handle = this.client.workflow.getHandle(runWorkflowIdFor(runId));
    return Promise.all(
      authorizations.map((authorization) =>
        handle.executeUpdate(authorizeStepUpdate, { args: [authorization] }),
      ),
    );
  }

  /** The live timeline while the run is open (answered by a worker), its result once closed. */
  async timeline(runId: string): Promise<RunTimeline> {
    const handle = this.client.workflow.getHandle<(input: RunInput) => Promise<RunTimeline>>(
      runWorkflowIdFor(runId),
    );
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') return handle.query(timelineQuery);
    try {
      return await handle.result();
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      throw new Error(
        `Run ${runId} ended ${status.name} without a timeline: ${error.cause?.message ?? error.message}`,
      );
    }
  }

  /** Waits for the run to close and returns its final timeline. */
  result(runId: string): Promise<RunTimeline> {
    return this.client.workflow
      .getHandle<(input: RunInput) => Promise<RunTimeline>>(runWorkflowIdFor(runId))
      .result();
  }

  /** Steps not started end as cancelled; steps in flight finish and are recorded. */
  async cancel(runId: string): Promise<void> {
    await this.client.workflow.getHandle(runWorkflowIdFor(runId)).cancel();
  }
}
