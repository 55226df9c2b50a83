import { type OperationKind, type OperationRequest, operationOf } from '../operations/registry.js';
import type { Mode } from '../shared.js';

/** What a policy decides on: the operation, not who signed it. */
export interface OperationFacts {
  repository: string;
  kind: OperationKind;
  /** The ref its module names (src/operations/operation.ts `ref`): a release's target, a tag's name, a PR's base. */
  ref: string;
  mode: Mode;
  /** The approver name of whoever asked for it, when the request names one (its `requester`). */
  requester?: string;
}

/** The facts of a parsed request, in a mode, asked for by `requester`: the request's own unless given. */
export function operationFacts(
  request: OperationRequest,
  mode: Mode,
  requester: string | undefined = request.requester,
): OperationFacts {
  return {
    repository: request.repository,
    kind: request.operation_kind,
    ref: operationOf(request).ref(request),
    mode,
    ...(requester === undefined ? {} : { requester }),
  };
}
