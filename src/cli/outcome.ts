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

export function print(json: boolean | undefined, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human}\n`);
}
