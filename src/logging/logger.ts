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
 * Routes the Temporal SDK's logs (worker, workflow and activity loggers, and core's when
 * `telemetryOptions.logging.forward` is on) into pino, so they get the same format and redaction:
 * `Runtime.install({ logger: temporalRuntimeLogger(logger), telemetryOptions: { logging: { forward: {} } } })`.
 */
export function temporalRuntimeLogger(logger: pino.Logger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}): void => {
    logger[PINO_LEVELS[level]]({ ...meta }, message);
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
