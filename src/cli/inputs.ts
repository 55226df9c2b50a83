import { type Command, InvalidArgumentError, Option } from 'commander';
import { ExitCode, serverReason, UserError } from './exit-codes.js';

// The libraries below are imported when a command runs, never at start-up: `marketops --help`
// must not pay for zod, the Temporal SDK or the stores (bench/cli-startup.ts measures it).

/** A receipt from a file, or from stdin when the path is `-`. */
export async function readReceipt(source: string): Promise<string> {
  if (source !== '-') {
    const { readTextFile } = await import('../common/files.js');
    return (await readTextFile(source, 'the receipt')).trim();
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/**
 * Library errors are single sentences about the user's input: show them as such (exit 2),
 * except an unreachable Temporal (exit 7) and the server's own refusal, which keeps its reason
 * (exit 1).
 */
export async function asUserError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const { TemporalUnreachableError } = await import('../client/connect.js');
    if (error instanceof TemporalUnreachableError)
      throw new UserError(error.message, ExitCode.temporalUnreachable);
    const reason = serverReason(error);
    if (reason) throw new UserError(reason, ExitCode.failure);
    throw error instanceof Error && !(error instanceof UserError) ? new UserError(error.message) : error;
  }
}

/** The configuration, with a bad variable reported as a usage error naming it. */
export async function configFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const { ConfigError, loadConfig } = await import('../config/index.js');
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** "90", "30s", "15m", "1h" → seconds, for commander options; ceilings are their users' to enforce. */
export function parseDuration(value: string): number {
  const match = /^(\d{1,6})([smh]?)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('use seconds or a duration such as 30s, 15m or 1h.');
  return Number(match[1]) * (UNIT_SECONDS[match[2] || 's'] ?? 1);
}

/** An RFC 3339 time (`2026-01-01T00:00:00Z`), for commander options such as `--at`. */
export function parseInstant(value: string): Date {
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new InvalidArgumentError('use an RFC 3339 time such as 2026-01-01T00:00:00Z.');
  return time;
}

/** `--timeout`, alike on every command that waits for Temporal or a worker: exit 6 once it passes. */
export const timeoutOption = (waitingFor: string): Option =>
  new Option(
    '--timeout <duration>',
    `give up waiting for ${waitingFor} after this long: 90, 30s, 5m, 1h (exit 6; 7 if Temporal stopped answering)`,
  ).argParser(parseDuration);

/** A command that shows one thing by its id: a `--timeout` while it waits for the answer, and `--json`. */
export const showsOne = (
  command: Command,
  argument: [name: string, description: string],
  waitingFor: string,
): Command =>
  command
    .argument(...argument)
    .addOption(timeoutOption(waitingFor))
    .option('--json', 'print JSON');
