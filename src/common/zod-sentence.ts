import type { z } from 'zod';

/** The first issue's field (dotted path, null for the whole value) and its predicate. */
export function firstIssue(error: z.ZodError): { field: string | null; message: string } {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : null;
  return { field, message: issue?.message ?? 'is invalid' };
}

/**
 * Turns the first zod issue into one sentence that names the field to fix.
 * Field-level schemas phrase their errors as predicates ("must be …"), so the
 * sentence reads `Field "tag_name" must be …`.
 */
export function firstIssueSentence(error: z.ZodError, subject: string): string {
  const issue = error.issues[0];
  if (!issue) return `The ${subject} is invalid.`;
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length > 0 ? ` "${issue.path.join('.')}" of` : '';
    const fields = issue.keys.map((key) => `"${key}"`).join(', ');
    return `Remove the unknown field${issue.keys.length > 1 ? 's' : ''} ${fields} from${where} the ${subject}.`;
  }
  if (issue.path.length === 0) return `The ${subject} ${issue.message}.`;
  return `Field "${issue.path.join('.')}" of the ${subject} ${issue.message}.`;
}

/** A zod error customiser that tells a missing field apart from a wrongly typed one. */
export const requiredAs =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${expected}`;
