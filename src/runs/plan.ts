import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { readTextFile } from '../common/files.js';
import { identifier } from '../common/text-fields.js';
import { firstIssueSentence } from '../common/zod-sentence.js';
import { opDigest } from '../receipts/index.js';
import { operationRequestSchema } from '../receipts/operation-request.js';

/** A run's workflow input must stay far below Temporal's 2 MB payload limit; 500 steps of ordinary requests do. */
export const MAX_STEPS = 500;

const stepSchema = z.strictObject({
  id: identifier(),
  request: operationRequestSchema,
  needs: z
    .array(identifier())
    .max(MAX_STEPS, { error: `must list at most ${MAX_STEPS} steps` })
    .optional(),
});

const planShapeSchema = z.strictObject({
  run_id: identifier(),
  steps: z
    .array(stepSchema)
    .min(1, { error: 'must list at least one step' })
    .max(MAX_STEPS, { error: `must list at most ${MAX_STEPS} steps` }),
});

export type PublicationPlan = z.infer<typeof planShapeSchema>;
export type PlanStep = PublicationPlan['steps'][number];

/** Steps in an order where every step comes after those it needs; plan order breaks ties. */
function executionOrder(steps: readonly PlanStep[]): PlanStep[] | { cycle: string[] } {
  const done = new Set<string>();
  const ordered: PlanStep[] = [];
  while (ordered.length < steps.length) {
    const next = steps.find((step) => !done.has(step.id) && (step.needs ?? []).every((id) => done.has(id)));
    if (!next) return { cycle: steps.filter((step) => !done.has(step.id)).map((step) => step.id) };
    done.add(next.id);
    ordered.push(next);
  }
  return ordered;
}

/** A parsed plan's steps in execution order (parsePlan has refused cycles). */
export function inExecutionOrder(plan: PublicationPlan): PlanStep[] {
  const order = executionOrder(plan.steps);
  if ('cycle' in order) throw new TypeError(`The plan's needs form a cycle: ${order.cycle.join(', ')}.`);
  return order;
}

/** The rules across steps, each failing with the one sentence that names what to fix. */
function planProblem(plan: PublicationPlan): string | undefined {
  const ids = new Set<string>();
  const digests = new Map<string, string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) return `Step id "${step.id}" appears twice in the plan; give each step its own id.`;
    ids.add(step.id);
    if (step.request.run_id !== plan.run_id)
      return `The request of step "${step.id}" belongs to run "${step.request.run_id}", not to the plan's run "${plan.run_id}".`;
    const digest = opDigest(step.request);
    const twin = digests.get(digest);
    if (twin !== undefined)
      return `Steps "${twin}" and "${step.id}" have the same request; one receipt would authorize both, so keep one.`;
    digests.set(digest, step.id);
  }
  for (const step of plan.steps) {
    const unknown = (step.needs ?? []).find((id) => !ids.has(id));
    if (unknown !== undefined)
      return `Step "${step.id}" needs "${unknown}", which is not a step of the plan.`;
  }
  const order = executionOrder(plan.steps);
  if ('cycle' in order)
    return `The needs of steps ${order.cycle.map((id) => `"${id}"`).join(', ')} form a cycle; no order can satisfy them.`;
  return undefined;
}

export type ParsedPlan = { ok: true; plan: PublicationPlan } | { ok: false; message: string };

/** Parses an untrusted plan; on failure the message is one sentence naming what to fix. */
export function parsePlan(input: unknown): ParsedPlan {
  const shaped = planShapeSchema.safeParse(input);
  if (!shaped.success) return { ok: false, message: firstIssueSentence(shaped.error, 'plan') };
  const problem = planProblem(shaped.data);
  return problem ? { ok: false, message: problem } : { ok: true, plan: shaped.data };
}

/** A plan file: YAML, of which JSON is a subset. */
export async function readPlanFile(path: string): Promise<PublicationPlan> {
  const text = await readTextFile(path, 'a publication plan');
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new Error(`${path} is neither YAML nor JSON (${(error as Error).message.split('\n')[0]}).`);
  }
  const parsed = parsePlan(document);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.message}`);
  return parsed.plan;
}

/** SHA-256 (hex) of the plan's RFC 8785 canonical JSON: the run record names the plan by it. */
export const planDigest = (plan: PublicationPlan): string =>
  createHash('sha256')
    .update(canonicalize(plan) ?? '', 'utf8')
    .digest('hex');
