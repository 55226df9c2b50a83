import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { Code } from '../codes.js';
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

type RunHandle = WorkflowHandle<(input: RunInput) => Promise<RunTimeline>>;

/** The value a failure of `type` carries as its details[0], if `error` is one. */
function detailOf(error: unknown, type: string): unknown {
  const cause =
    error instanceof WorkflowFailedError || error instanceof WorkflowUpdateFailedError
      ? error.cause
      : undefined;
  return cause instanceof ApplicationFailure && cause.type === type ? cause.details?.[0] : undefined;
}

/** A refusal decided without reading the receipt is a rejected Update; its answer is the failure's details. */
async function answerOf(update: Promise<AuthorizationAnswer>): Promise<AuthorizationAnswer> {
  try {
    return await update;
  } catch (error) {
    const answer = detailOf(error, Code.AUTHORIZATION_REFUSED) as AuthorizationAnswer | undefined;
    if (answer?.status === 'refused') return answer;
    throw error;
  }
}

/** A closed run's timeline: its result, or, when a step did not ship in prod, its failure's details. */
async function closedTimeline(handle: RunHandle): Promise<RunTimeline> {
  try {
    return await handle.result();
  } catch (error) {
    const timeline = detailOf(error, Code.RUN_NOT_SHIPPED) as RunTimeline | undefined;
    if (timeline?.steps) return timeline;
    throw error;
  }
}

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
        answerOf(handle.executeUpdate(authorizeStepUpdate, { args: [authorization] })),
      ),
    );
  }

  /** The live timeline while the run is open (answered by a worker), its result once closed. */
  async timeline(runId: string): Promise<RunTimeline> {
    const handle = this.handle(runId);
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') return handle.query(timelineQuery);
    try {
      return await closedTimeline(handle);
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      throw new Error(
        `Run ${runId} ended ${status.name} without a timeline: ${error.cause?.message ?? error.message}`,
      );
    }
  }

  /** Temporal's status of the run's workflow: COMPLETED when every step shipped or in dry-run, FAILED otherwise. */
  async status(runId: string): Promise<string> {
    return (await this.handle(runId).describe()).status.name;
  }

  /** Waits for the run to close and returns its final timeline, whether it completed or ended failed. */
  result(runId: string): Promise<RunTimeline> {
    return closedTimeline(this.handle(runId));
  }

  private handle(runId: string): RunHandle {
    return this.client.workflow.getHandle(runWorkflowIdFor(runId));
  }

  /** Steps not started end as cancelled; steps in flight finish and are recorded. */
  async cancel(runId: string): Promise<void> {
    await this.client.workflow.getHandle(runWorkflowIdFor(runId)).cancel();
  }
}
