import { z } from 'zod';
import { firstIssueSentence } from '../common/zod-sentence.js';
import { type OperationRequest, operationKinds, operationModules } from '../operations/registry.js';

type Discriminable = z.core.$ZodTypeDiscriminable;
/** The registry has at least one kind, and each kind's schema fixes its `operation_kind`. */
const schemas = operationModules.map((module): Discriminable => module.schema) as [
  Discriminable,
  ...Discriminable[],
];

/** One schema per registered kind, chosen by `operation_kind`; it parses to one of their requests. */
export const operationRequestSchema = z.discriminatedUnion('operation_kind', schemas, {
  // zod types this issue as a union error, but a non-object input arrives here too.
  error: (issue) =>
    typeof issue.input === 'object' && issue.input !== null && !Array.isArray(issue.input)
      ? `must be one of ${operationKinds.join(', ')}`
      : 'must be a JSON object',
}) as unknown as z.ZodType<OperationRequest>;

export type ParsedOperationRequest = { ok: true; request: OperationRequest } | { ok: false; message: string };

/** Parses an untrusted operation request; on failure the message names the field to fix. */
export function parseOperationRequest(input: unknown): ParsedOperationRequest {
  const result = operationRequestSchema.safeParse(input);
  if (result.success) return { ok: true, request: result.data };
  return { ok: false, message: firstIssueSentence(result.error, 'operation request') };
}
