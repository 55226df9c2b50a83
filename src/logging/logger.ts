import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import pino from 'pino';
import { prettyFactory } from 'pino-pretty';
import { REDACTED, redactSecrets, secretKeyPaths } from './redaction.js';

export { redactSecrets, registerSecret } from './redaction.js';

export interface LoggerOptions {
  level?: string;
  /** Human-readable lines instead of JSON; defaults to whether stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go; defaults to stdout. */
  destination?: pino.DestinationStream;
}

/**
 * Structured JSON logs (pretty on a terminal) in which secrets never appear: pino censors known secret keys,
 * then every serialized line is scrubbed of secret-looking and registered values before it is written.
 */
export function createLogger(options: LoggerOptions = {}): pino.Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  const target = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: secretKeyPaths, censor: REDACTED },
      // Temporal's loggers pass failures as `error`; serialize them like `err` rather than as `{}`.
      serializers: { error: pino.stdSerializers.err },
    },
    scrubbingStream(
      target,
      pretty && prettyFactory({ colorize: !options.destination && process.stdout.isTTY }),
    ),
  );
}

/** Scrubbing runs on the final JSON line so nothing can slip past it: not a nested string, not an error stack. */
function scrubbingStream(
  target: pino.DestinationStream,
  prettify: false | ((line: string) => string),
): pino.DestinationStream {
  return {
    write(line: string) {
      const scrubbed = redactSecrets(line);
      target.write(prettify ? prettify(scrubbed) : scrubbed);
    },
  };
}

const PINO_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * SDK lines that are routine for this executor, so an operator sees them only at debug: the
 * bundler's report, the notices of queues that by design serve only workflows or only activities,
 * and worker state changes (`start` says "running" once the worker polls, which can come before
 * the SDK's RUNNING line; the other states are shutdown, which Ctrl-C already says).
 */
const ROUTINE_MESSAGES = [
  /^asset workflow-bundle/, // webpack's build statistics
  /^Workflow bundle created/,
  /^No (Nexus services|workflows|activities) registered, not polling/,
  /^Worker state changed$/,
];

/**
 * After Ctrl-C the dev server and the worker stop together, so the worker's last polls and
 * heartbeats fail to reach the server. Set by `demoteShutdownNoise`; these lines are then debug.
 */
let stopping = false;
const SHUTDOWN_NOISE = [/transport error|Connection refused|dial tcp|tcp connect error|Service unavailable/i];

/** Called when the process stops on purpose: connection failures from then on are expected. */
export function demoteShutdownNoise(): void {
  stopping = true;
}

/** The level a Temporal SDK line is logged at: its own, or debug for routine lines. */
export function runtimeLevel(level: LogLevel, message: string, meta: LogMetadata = {}): LogLevel {
  if (level === 'ERROR' && !stopping) return level;
  const routine =
    ROUTINE_MESSAGES.some((pattern) => pattern.test(message)) ||
    (stopping && SHUTDOWN_NOISE.some((pattern) => pattern.test(`${message} ${JSON.stringify(meta)}`)));
  return routine ? 'DEBUG' : level;
}

/** One line of the Temporal SDK's logs, as it comes. */
export interface RuntimeLine {
  level: LogLevel;
  message: string;
  meta: LogMetadata;
}

/**
 * Routes the Temporal SDK's logs (worker, workflow and activity loggers, and core's when
 * `telemetryOptions.logging.forward` is on) into pino, so they get the same format and redaction:
 * `Runtime.install({ logger: temporalRuntimeLogger(logger), telemetryOptions: { logging: { forward: {} } } })`.
 * `restate` may say a line otherwise first: what the SDK reports as a failure, its user may know as an outcome.
 */
export function temporalRuntimeLogger(
  logger: pino.Logger,
  restate: (line: RuntimeLine) => RuntimeLine = (line) => line,
): TemporalLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}): void => {
    const line = restate({ level, message, meta });
    logger[PINO_LEVELS[runtimeLevel(line.level, line.message, line.meta)]]({ ...line.meta }, line.message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
