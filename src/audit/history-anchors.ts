import { z } from 'zod';
import { sha256Hex } from '../common/hex.js';
import { type Checkpoint, checkpointSchema } from './checkpoint.js';
import type { KeptAnchor } from './verify.js';

/**
 * What a Temporal history (in Temporal's JSON form, as `temporal workflow show --output json` and
 * the SDK's historyToJSON write it) says about the audit log: the values its workflow returned.
 * The workflow's result carries its record's leaf hash and the checkpoint that included it.
 */

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const decodeBase64 = (value: string | undefined): string =>
  value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');

function decodePayload(payload: JsonPayload): unknown {
  if (decodeBase64(payload.metadata?.encoding) !== 'json/plain') return undefined;
  try {
    return JSON.parse(decodeBase64(payload.data));
  } catch {
    return undefined;
  }
}

interface CloseEvent {
  workflowExecutionCompletedEventAttributes?: { result?: { payloads?: unknown } };
  workflowExecutionFailedEventAttributes?: {
    failure?: { applicationFailureInfo?: { details?: { payloads?: unknown } } };
  };
}

/** A completed execution's result, or the details of the application failure a rejected execution ends with. */
function closePayloads(event: CloseEvent): unknown {
  return (
    event?.workflowExecutionCompletedEventAttributes?.result?.payloads ??
    event?.workflowExecutionFailedEventAttributes?.failure?.applicationFailureInfo?.details?.payloads
  );
}

/**
 * The decoded values the history's close events carry (normally one event): a completed execution's result,
 * or, for an execution that ends failed (a rejection), its application failure's details, whose first
 * element is the same result object.
 */
export function workflowResults(history: unknown): unknown[] {
  const events = (history as { events?: unknown })?.events;
  if (!Array.isArray(events)) return [];
  return events.flatMap((event) => {
    const payloads = closePayloads(event as CloseEvent);
    return Array.isArray(payloads) ? payloads.map((p) => decodePayload(p as JsonPayload)) : [];
  });
}

/** The first argument the workflow was started with: its WorkflowExecutionStarted event's input. */
export function workflowInput(history: unknown): unknown {
  const events = (history as { events?: unknown })?.events;
  const started = Array.isArray(events)
    ? (events[0] as { workflowExecutionStartedEventAttributes?: { input?: { payloads?: unknown } } })
    : undefined;
  const payloads = started?.workflowExecutionStartedEventAttributes?.input?.payloads;
  return Array.isArray(payloads) && payloads.length > 0
    ? decodePayload(payloads[0] as JsonPayload)
    : undefined;
}

function walk(value: unknown, visit: (node: unknown) => void): void {
  visit(value);
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) walk(child, visit);
  }
}

/** Every string in the value: a leaf hash may sit anywhere in the workflow's result shape. */
export function stringsIn(value: unknown): Set<string> {
  const found = new Set<string>();
  walk(value, (node) => {
    if (typeof node === 'string') found.add(node);
  });
  return found;
}

/** Every signed checkpoint embedded in the value. */
export function checkpointsIn(value: unknown): Checkpoint[] {
  const found: Checkpoint[] = [];
  walk(value, (node) => {
    const parsed = checkpointSchema.safeParse(node);
    if (parsed.success) found.push(parsed.data);
  });
  return found;
}

/** Where a record sits in the log, as a workflow returns it (AuditAnchor in src/shared.ts). */
const auditAnchorSchema = z.object({
  index: z.number().int().nonnegative(),
  leafHash: sha256Hex,
  checkpoint: checkpointSchema,
});
type RecordAnchor = z.infer<typeof auditAnchorSchema>;

/** Every audit anchor embedded in the value: a result's `audit`, or a rejection workflow's whole result. */
function anchorsIn(value: unknown): RecordAnchor[] {
  const found: RecordAnchor[] = [];
  walk(value, (node) => {
    const parsed = auditAnchorSchema.safeParse(node);
    if (parsed.success) found.push(parsed.data);
  });
  return found;
}

/**
 * Every kept checkpoint in the value, with the record it vouches for when it comes as an anchor. The value
 * may be a workflow result, an anchor, a bare checkpoint, a Temporal history (its close events are read),
 * or anything holding them.
 */
export function keptAnchorsIn(value: unknown, source: string): KeptAnchor[] {
  const values = [value];
  walk(value, (node) => values.push(...workflowResults(node)));
  const anchored = values.flatMap(anchorsIn);
  const seen = new Set(anchored.map((anchor) => anchor.checkpoint.text));
  const loose = values.flatMap(checkpointsIn).filter((checkpoint) => {
    const fresh = !seen.has(checkpoint.text);
    seen.add(checkpoint.text);
    return fresh;
  });
  return [
    ...anchored.map(({ index, leafHash, checkpoint }) => ({
      source,
      checkpoint,
      record: { index, leafHash },
    })),
    ...loose.map((checkpoint) => ({ source, checkpoint })),
  ];
}
