import { TemporalUnreachableError } from '../client/connect.js';
import { readTextFile } from '../common/files.js';
import { ConfigError, loadConfig } from '../config/index.js';
import { ExitCode, UserError } from './exit-codes.js';

/** A receipt from a file, or from stdin when the path is `-`. */
export async function readReceipt(source: string): Promise<string> {
  if (source !== '-') {
    return (await readTextFile(source, 'the receipt')).trim();
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/**
 * Library errors are single sentences about the user's input: show them as such
 * (exit 2), except an unreachable Temporal, which is an ordinary failure (exit 1).
 */
export async function asUserError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof TemporalUnreachableError) throw new UserError(error.message, ExitCode.failure);
    throw error instanceof Error && !(error instanceof UserError) ? new UserError(error.message) : error;
  }
}

/** The configuration, with a bad variable reported as a usage error naming it. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env) {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
}
