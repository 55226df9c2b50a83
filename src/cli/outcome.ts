import type { ExecutionResult } from '../shared.js';
import { ExitCode } from './exit-codes.js';

export const exitCodeFor = (status: ExecutionResult['status'] | 'started'): ExitCode => {
  switch (status) {
    case 'succeeded':
    case 'started':
      return ExitCode.ok;
    case 'rejected':
      return ExitCode.rejected;
    case 'blocked_by_mode':
      return ExitCode.blockedByMode;
    case 'failed':
      return ExitCode.failure;
  }
};

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

export function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}
