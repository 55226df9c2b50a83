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
  /** Temporal could not be reached, or stayed unreachable until `--timeout`: whatever was started goes on on the server. */
  temporalUnreachable: 7,
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

/**
 * The Temporal SDK's error for a call the server refused ("Failed to start Workflow"), with the
 * server's reason that it keeps in its gRPC cause (`details`), e.g. "Namespace default has no
 * mapping defined for search attribute MarketOpsRunId"; undefined for any other error. Duck-typed,
 * so the CLI loads no SDK to tell.
 */
export function serverReason(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'ServiceError') return undefined;
  const details = (error.cause as { details?: unknown } | undefined)?.details;
  return typeof details === 'string' && details !== ''
    ? `${error.message.replace(/\.$/, '')}: ${details.replace(/\.$/, '')}.`
    : undefined;
}
