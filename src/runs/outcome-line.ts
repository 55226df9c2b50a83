import { Code } from '../codes.js';
import type { ExecutionResult, Reason } from '../shared.js';

/** The reason a dry-run executor gives for every accepted receipt: it writes nothing. */
export const MODE_BLOCKED: Reason = {
  code: Code.MODE_NOT_PROD,
  message: 'The executor runs in dry-run mode; nothing was written.',
};

/** Why an outcome is what it is, in a few words: the reason codes and the first message. */
function because(result: ExecutionResult): string {
  switch (result.status) {
    case 'succeeded':
      return result.github.adopted ? 'adopted the existing object' : '';
    case 'failed':
      return `${result.code}: ${result.message}`;
    case 'rejected':
      return `${result.reasons.map((reason) => reason.code).join(', ')}: ${result.reasons[0]?.message ?? ''}`;
    case 'blocked_by_mode':
      return `${MODE_BLOCKED.code}: ${result.plan.length} request(s) planned, nothing written`;
  }
}

/** What the outcome line reads of an execution's validation. */
interface Validated {
  decision: 'accepted' | 'blocked_by_mode' | 'rejected';
  facts: { operationKind: string | null; repository: string | null };
}

/**
 * An execution's outcome in one line, as the Web UI shows it: operation, repository, mode, outcome and
 * reason, and the link on GitHub. A rejection may come before the mode matters: it names none.
 */
export function outcomeLine({ decision, facts }: Validated, result: ExecutionResult): string {
  const operation = `${facts.operationKind ?? 'unknown operation'} ${facts.repository ?? 'unknown repository'}`;
  const mode = { accepted: 'prod', blocked_by_mode: 'dry-run', rejected: null }[decision];
  const ending = `${result.status} ${because(result)}`.trim();
  const url = result.status === 'succeeded' ? result.github.url : null;
  return [operation, mode, ending, url].filter((part) => part !== null).join(' · ');
}
