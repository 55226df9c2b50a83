/**
 * What a request claims about itself, valid or not: at most a short, non-empty string per field.
 * The executor records it with a refusal and the client tags the refused workflow with it, so a
 * run's refusals are found with the run.
 */
export function claimedFields(request: unknown) {
  const loose = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
  const text = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value.slice(0, 256) : null;
  return {
    runId: text(loose.run_id),
    operationKind: text(loose.operation_kind),
    repository: text(loose.repository),
  };
}
