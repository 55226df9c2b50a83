/** Documented exit codes of every `marketops` command. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  rejected: 3,
  blockedByMode: 4,
  auditBroken: 5,
  /** `--timeout` passed before the outcome: the execution goes on. */
  timedOut: 6,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A mistake the user can fix: printed as one sentence, never as a stack trace.
 * The message must name what to fix.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.usage,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
