import { z } from 'zod';
import { operationKinds } from '../operations/registry.js';
import type { Mode } from '../shared.js';

/** The one version of the policy file format this code reads. */
export const POLICY_VERSION = 1;

/** The executor's modes, as a rule's `modes` names them. */
export const modes = ['prod', 'dry-run'] as const satisfies readonly Mode[];

/** One public key of an approver: by `kid` or by RFC 7638 thumbprint, optionally valid only in a window. */
export const approverKeySchema = z.strictObject({
  kid: z.string().min(1).optional(),
  thumbprint: z.string().min(1).optional(),
  not_before: z.iso.datetime({ offset: true }).optional(),
  not_after: z.iso.datetime({ offset: true }).optional(),
});
export type ApproverKey = z.infer<typeof approverKeySchema>;

export const approverSchema = z.strictObject({
  name: z.string().min(1),
  keys: z.array(approverKeySchema).min(1),
});
export type Approver = z.infer<typeof approverSchema>;

/** What a rule matches; an absent member matches every operation. */
export const matchSchema = z.strictObject({
  repositories: z.array(z.string().min(1)).min(1).optional(),
  kinds: z.array(z.enum(operationKinds)).min(1).optional(),
  refs: z.array(z.string().min(1)).min(1).optional(),
  modes: z.array(z.enum(modes)).min(1).optional(),
});
export type Match = z.infer<typeof matchSchema>;

export const ruleSchema = z.strictObject({
  name: z.string().min(1),
  match: matchSchema,
  requires: z.strictObject({
    count: z.int().min(1),
    from: z.array(z.string().min(1)).min(1),
  }),
  forbid_requester: z.boolean().optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const policySchema = z.strictObject({
  version: z.literal(POLICY_VERSION),
  approvers: z.array(approverSchema).min(1),
  approver_sets: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
  rules: z.array(ruleSchema).min(1),
});
/** A parsed, cross-checked policy file. */
export type Policy = z.infer<typeof policySchema>;
