import type { ExecutionResult } from '../shared.js';

/** One human line per outcome; `--json` prints the whole result instead. */
export function describeOutcome(result: ExecutionResult): string {
  switch (result.status) {
    case 'succeeded':
      return `succeeded: ${result.github.url}${result.github.adopted ? ' (already existed as requested; adopted)' : ''}`;
    case 'rejected':
      return `rejected:\n${result.reasons.map((reason) => `  ${reason.code}: ${reason.message}`).join('\n')}`;
    case 'blocked_by_mode':
      return `blocked by dry-run mode; would have sent:\n${result.plan.map((write) => `  ${write.method} ${write.path} ${JSON.stringify(write.body)}`).join('\n')}`;
    case 'failed':
      return `failed: ${result.code}: ${result.message}`;
  }
}
