import { z } from 'zod';
import { APPROVER_NAME_PATTERN, APPROVER_NAME_RULE } from '../common/text-fields.js';
import { requiredAs } from '../common/zod-sentence.js';
import { operationKinds } from '../operations/registry.js';
import type { Mode } from '../shared.js';

/** The one version of the policy file format this code reads. */
export const POLICY_VERSION = 1;

/** The executor's modes, as a rule's `modes` names them. */
export const modes = ['prod', 'dry-run'] as const satisfies readonly Mode[];

export const name = (what: string) =>
  z.string({ error: requiredAs(`${what}: a string`) }).regex(APPROVER_NAME_PATTERN, {
    error: `must be ${what}: ${APPROVER_NAME_RULE}`,
  });
export const text = (what: string) =>
  z.string({ error: requiredAs(what) }).min(1, { error: `must be ${what}, not empty` });
export const instant = () =>
  z.iso.datetime({
    offset: true,
    error: requiredAs('an RFC 3339 date-time with a zone, e.g. 2026-01-01T00:00:00Z'),
  });
const list = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item, { error: requiredAs(`a list of ${what}`) })
    .min(1, { error: `must list at least one ${what}` });

/** A file's top level: one YAML mapping of these members. */
export const mappingOf =
  (members: string) =>
  (issue: { input?: unknown }): string =>
    issue.input == null ? `is empty; it must hold ${members}` : `must be one mapping of ${members}`;

/** A time as an instant, for windows and revocations. */
export const timeOf = (value: string): number => Date.parse(value);

/** One public key of an approver: by `kid` or by RFC 7638 thumbprint, optionally valid only in a window. */
export const approverKeySchema = z
  .strictObject({
    kid: text('a key id').optional(),
    thumbprint: z
      .string({ error: requiredAs('an RFC 7638 SHA-256 thumbprint') })
      .regex(/^[A-Za-z0-9_-]{43}$/, {
        error: 'must be an RFC 7638 SHA-256 thumbprint: 43 base64url characters',
      })
      .optional(),
    not_before: instant().optional(),
    not_after: instant().optional(),
  })
  .refine((key) => (key.kid === undefined) !== (key.thumbprint === undefined), {
    error: 'must name its key by exactly one of "kid" or "thumbprint"',
  })
  .refine(
    (key) =>
      key.not_before === undefined ||
      key.not_after === undefined ||
      timeOf(key.not_before) < timeOf(key.not_after),
    { error: 'must have not_before before not_after', path: ['not_after'] },
  );
export type ApproverKey = z.infer<typeof approverKeySchema>;

export const approverSchema = z.strictObject({
  name: name('an approver name'),
  keys: list(approverKeySchema, 'key'),
});
export type Approver = z.infer<typeof approverSchema>;

/** What a rule matches; an absent member matches every operation. */
export const matchSchema = z.strictObject({
  repositories: list(text('a repository glob such as "acme/*"'), 'repository glob').optional(),
  kinds: list(
    z.enum(operationKinds, { error: `must be one of ${operationKinds.join(', ')}` }),
    'operation kind',
  ).optional(),
  refs: list(text('a ref glob such as "main" or "release/*"'), 'ref glob').optional(),
  modes: list(z.enum(modes, { error: `must be one of ${modes.join(', ')}` }), 'mode').optional(),
});
export type Match = z.infer<typeof matchSchema>;

export const ruleSchema = z.strictObject({
  name: text('the rule name'),
  match: matchSchema,
  requires: z.strictObject({
    count: z
      .int({ error: requiredAs('a whole number of approvals') })
      .min(1, { error: 'must be at least 1' }),
    from: list(name('an approver set name'), 'approver set'),
  }),
  forbid_requester: z.boolean({ error: requiredAs('true or false') }).optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const policySchema = z
  .strictObject(
    {
      version: z.literal(POLICY_VERSION, { error: `must be ${POLICY_VERSION}` }),
      approvers: list(approverSchema, 'approver'),
      approver_sets: z.record(name('an approver set name'), list(name('an approver name'), 'approver'), {
        error: requiredAs('a map of set names to lists of approver names'),
      }),
      rules: list(ruleSchema, 'rule'),
    },
    { error: mappingOf('version, approvers, approver_sets and rules') },
  )
  .superRefine((policy, context) => {
    for (const problem of crossCheck(policy)) context.addIssue({ code: 'custom', ...problem });
  });
/** A parsed, cross-checked policy file. */
export type Policy = z.infer<typeof policySchema>;

type Problem = { path: (string | number)[]; message: string };

/** What the shape alone cannot say: names are unique and known, a key has one owner, a rule can be met. */
function crossCheck(policy: z.infer<typeof policySchema>): Problem[] {
  const problems: Problem[] = [];
  const owners = new Map<string, string>();
  policy.approvers.forEach((approver, index) => {
    if (policy.approvers.findIndex((other) => other.name === approver.name) !== index) {
      problems.push({ path: ['approvers', index, 'name'], message: `repeats "${approver.name}"` });
    }
    approver.keys.forEach((key, keyIndex) => {
      const id = key.kid === undefined ? `thumbprint "${key.thumbprint}"` : `kid "${key.kid}"`;
      const owner = owners.get(id);
      if (owner !== undefined) {
        problems.push({
          path: ['approvers', index, 'keys', keyIndex],
          message: `lists ${id}, which ${owner === approver.name ? 'it already lists' : `"${owner}" already has`}; a key belongs to one approver, once`,
        });
      }
      owners.set(id, approver.name);
    });
  });
  const approverNames = new Set(policy.approvers.map((approver) => approver.name));
  for (const [set, members] of Object.entries(policy.approver_sets)) {
    members.forEach((member, index) => {
      if (!approverNames.has(member)) {
        problems.push({ path: ['approver_sets', set, index], message: `names "${member}", no approver` });
      } else if (members.indexOf(member) !== index) {
        problems.push({ path: ['approver_sets', set, index], message: `repeats "${member}"` });
      }
    });
  }
  policy.rules.forEach((rule, index) => {
    if (policy.rules.findIndex((other) => other.name === rule.name) !== index) {
      problems.push({ path: ['rules', index, 'name'], message: `repeats "${rule.name}"` });
    }
    const unknown = rule.requires.from.filter((set) => !Object.hasOwn(policy.approver_sets, set));
    if (unknown.length > 0) {
      problems.push({
        path: ['rules', index, 'requires', 'from'],
        message: `names ${unknown.map((set) => `"${set}"`).join(', ')}, no set of approver_sets`,
      });
      return;
    }
    const eligible = new Set(rule.requires.from.flatMap((set) => policy.approver_sets[set] ?? []));
    if (rule.requires.count > eligible.size) {
      problems.push({
        path: ['rules', index, 'requires', 'count'],
        message: `is ${rule.requires.count}, more than the ${eligible.size} approvers of its sets, so the rule could never be satisfied`,
      });
    }
  });
  return problems;
}
