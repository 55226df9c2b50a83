import { ApplicationFailure } from '@temporalio/common';
import { Code } from '../../codes.js';
import { moduleOf, type OperationRequest, writesOf } from '../../operations/registry.js';
import { opDigest } from '../../receipts/index.js';

/**
 * One write as the workflow hands it to its activity: its own view of the request, or `whole` when
 * it reads the whole request (which the validation carries once, not once per such write), and
 * its start-to-close timeout when it needs longer than GITHUB_ACTIVITY_TIMEOUT_MS (an upload).
 */
export type WriteView = ({ view: unknown } | { whole: true }) & { timeoutMs?: number };

/**
 * An accepted request's writes, derived once where the receipt was verified: each write's view
 * (src/operations: the part of the request that write reads), beside the op_digest that was
 * authorized. The workflow hands each write only its own view, so its history grows linearly with
 * the request (a release's assets), not with its size times its number of writes.
 */
export interface OperationWrites {
  kind: string;
  opDigest: string;
  writes: [WriteView, ...WriteView[]];
}

export function operationWrites(request: OperationRequest): OperationWrites {
  const writes = writesOf(request).map(({ view, step }): WriteView => {
    const part = view === request ? { whole: true as const } : { view };
    return step.timeoutMs === undefined ? part : { ...part, timeoutMs: step.timeoutMs };
  });
  return {
    kind: request.operation_kind,
    opDigest: opDigest(request),
    writes: writes as OperationWrites['writes'],
  };
}

/** What a write's activity is handed besides its budget and time: which write, of which authorized request. */
export interface WriteOf {
  kind: string;
  opDigest: string;
  view: unknown;
  /** Which of the operation's writes, from 0. */
  write: number;
}

const tampered = (message: string) =>
  ApplicationFailure.nonRetryable(`${message}; nothing was written.`, Code.INTERNAL_ERROR);

/**
 * The step a write's activity runs, trusting nothing it was handed: the view is parsed by its
 * kind's strict schema, must be that write's view (the module refuses another's), and a view that
 * is the whole request (a release's draft and publication, which check every asset) must be the
 * request whose op_digest was authorized. An upload's view holds one asset, which its step checks,
 * before it sends anything, against the link the draft derived from the checked request and
 * carried (src/operations/publish-release/views.ts); the publication then reads the draft back and
 * publishes only when its assets are exactly the authorized ones.
 */
export function checkedWrite({ kind, opDigest: authorized, view, write }: WriteOf) {
  const operation = moduleOf(kind);
  const parsed = operation.view.safeParse(view);
  if (!parsed.success) throw tampered(`Write ${write} of ${kind} was handed a view its kind does not parse`);
  const whole = operation.schema.safeParse(parsed.data);
  if (whole.success && opDigest(whole.data) !== authorized)
    throw tampered(
      `Write ${write} of ${kind} was handed a request whose op_digest is not the authorized one`,
    );
  try {
    return { operation, view: parsed.data, step: operation.write(parsed.data, write) };
  } catch (error) {
    if (error instanceof RangeError) throw tampered(`${error.message}: its view is another write's`);
    throw error;
  }
}
