import { type Checkpoint, checkpointSchema } from './checkpoint.js';

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

/** The decoded results of every completed-execution event in the history (normally one). */
export function workflowResults(history: unknown): unknown[] {
  const events = (history as { events?: unknown })?.events;
  if (!Array.isArray(events)) return [];
  return events.flatMap((event) => {
    const payloads = (
      event as { workflowExecutionCompletedEventAttributes?: { result?: { payloads?: unknown } } }
    )?.workflowExecutionCompletedEventAttributes?.result?.payloads;
    return Array.isArray(payloads) ? payloads.map((p) => decodePayload(p as JsonPayload)) : [];
  });
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
