import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
// A default import: the package is CommonJS, whose named exports Node's ESM loader cannot see.
import proto from '@temporalio/proto';

import { REJECTION_WORKFLOW_TYPE, searchAttributes, WORKFLOW_TYPE } from '../shared.js';
import { keptAnchorsIn } from './history-anchors.js';
import type { AuditEntry } from './store.js';
import type { KeptAnchor } from './verify.js';

export interface TemporalTarget {
  connectionOptions: ConnectionOptions;
  namespace: string;
}

interface Execution {
  workflowId: string;
  runId: string;
}

/** Both workflow types that append a record and return (or fail with) its anchor. */
const RECORDING_TYPES = `WorkflowType IN ('${WORKFLOW_TYPE}', '${REJECTION_WORKFLOW_TYPE}')`;
/** A running execution has no record yet: only closed ones are evidence. */
const CLOSED = `ExecutionStatus != 'Running'`;

/** protobufjs's toJSON: camelCase fields, bytes as base64, enums by name, as Temporal's own JSON. */
const historyJson = (events: proto.temporal.api.history.v1.IHistoryEvent[]): unknown =>
  JSON.parse(JSON.stringify(proto.temporal.api.history.v1.History.create({ events })));

async function withClient<T>(target: TemporalTarget, work: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect(target.connectionOptions);
  try {
    return await work(new Client({ connection, namespace: target.namespace }));
  } finally {
    await connection.close();
  }
}

async function listExecutions(client: Client, query: string): Promise<Execution[]> {
  const found: Execution[] = [];
  for await (const { workflowId, runId } of client.workflow.list({ query }))
    found.push({ workflowId, runId });
  return found;
}

async function fullHistory(client: Client, { workflowId, runId }: Execution): Promise<unknown> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return historyJson(history.events ?? []);
}

/** Only the close event: all that anchoring needs, one small read per execution. */
async function closeEvent(client: Client, execution: Execution): Promise<unknown> {
  const response = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution,
    historyEventFilterType:
      proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
  });
  return historyJson(response.history?.events ?? []);
}

/**
 * The Temporal histories (as JSON), keyed by workflow id, of every workflow that wrote one of the run's
 * records and of every closed execution Temporal lists under the run: a record missing from the log
 * still has its history, which then has no record in the bundle.
 */
export async function fetchRunHistories(
  runId: string,
  entries: readonly AuditEntry[],
  target: TemporalTarget,
): Promise<Record<string, unknown>> {
  return withClient(target, async (client) => {
    const listed = await listExecutions(
      client,
      `${searchAttributes.runId.name} = ${JSON.stringify(runId)} AND ${RECORDING_TYPES} AND ${CLOSED}`,
    );
    // The exact run that wrote a record, not whatever run holds the workflow id today.
    const runs = new Map(listed.map((e) => [e.workflowId, e.runId]));
    for (const { record } of entries) {
      if (record.temporal) runs.set(record.temporal.workflow_id, record.temporal.run_id);
    }
    const histories: Record<string, unknown> = {};
    for (const [workflowId, run] of runs)
      histories[workflowId] = await fullHistory(client, { workflowId, runId: run });
    return histories;
  });
}

/**
 * The anchors Temporal keeps: the close event of every closed execution that records (its result, or a
 * rejection's failure details, carries its record's index, leaf hash and checkpoint), each named by its
 * workflow. `silent` lists the closed executions that carry none (one that failed before it recorded).
 */
export async function fetchTemporalAnchors(
  target: TemporalTarget,
): Promise<{ anchors: KeptAnchor[]; executions: number; silent: string[] }> {
  return withClient(target, async (client) => {
    const executions = await listExecutions(client, `${RECORDING_TYPES} AND ${CLOSED}`);
    const anchors: KeptAnchor[] = [];
    const silent: string[] = [];
    for (const execution of executions) {
      const source = `workflow ${execution.workflowId} (run ${execution.runId})`;
      const kept = keptAnchorsIn(await closeEvent(client, execution), source);
      if (kept.length === 0) silent.push(execution.workflowId);
      anchors.push(...kept);
    }
    return { anchors, executions: executions.length, silent };
  });
}
