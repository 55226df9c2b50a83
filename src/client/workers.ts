import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { TASK_QUEUE } from '../shared.js';

/**
 * A worker long-polls its task queue at least once a minute, idle or not; the server lists a
 * stopped one for minutes more, so only one seen within this window counts as polling.
 */
const LIVE_POLLER_MS = 90_000;

/** A protobuf Timestamp as the server sends it: `seconds` is a Long (or a number), which `Number` reads. */
interface Timestamp {
  seconds?: unknown;
  nanos?: number | null;
}

interface PollerSighting {
  identity?: string | null;
  lastAccessTime?: Timestamp | null;
}

/** Milliseconds since the epoch. */
const msOf = (timestamp: Timestamp | null | undefined): number =>
  Number(timestamp?.seconds ?? 0) * 1000 + Math.floor((timestamp?.nanos ?? 0) / 1e6);

/** The identities of the pollers seen within the live window before `nowMs`. */
export function livePollers(pollers: readonly PollerSighting[], nowMs: number): string[] {
  return pollers
    .filter((poller) => nowMs - msOf(poller.lastAccessTime) <= LIVE_POLLER_MS)
    .map((poller) => poller.identity ?? '');
}

/** The identities of the workers polling the executor's task queue for workflows now, empty when none does. */
export async function liveWorkers(client: Client): Promise<string[]> {
  const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: TASK_QUEUE, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  return livePollers(pollers ?? [], Date.now());
}
