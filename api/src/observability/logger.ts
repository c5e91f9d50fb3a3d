// The API's structured logger: pino, one JSON object per line on stdout (or any destination a test
// hands in). Level from LOG_LEVEL (config.ts). Yoga's own messages go through the same logger.
import type { YogaLogger } from 'graphql-yoga';
import { pino, type DestinationStream, type Level, type LevelWithSilent, type Logger } from 'pino';
import type { MaskedErrorLog } from './masked-error-log.ts';

export type { Logger } from 'pino';
export type LogLevel = LevelWithSilent;

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      name: 'taskgate-api',
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Nothing we log carries credentials; this keeps a future `logger.info({ headers })` from leaking one.
      redact: {
        paths: ['authorization', 'token', 'headers.authorization', '*.headers.authorization'],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}

/** LOG_LEVEL: one of pino's levels, or `silent`. */
export function parseLogLevel(raw: string | undefined): LogLevel {
  const value = raw?.trim().toLowerCase() || 'info';
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new Error(`must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
}

/**
 * Yoga's logger interface over pino. Yoga logs an unexpected (masked) error as `error(error)`; those
 * `maskedErrors` holds are written there instead, with their request's id and stack (the client got
 * the mask). Anything else Yoga logs as an object is serialized by pino under `err`.
 */
export function yogaLogger(logger: Logger, maskedErrors?: MaskedErrorLog): YogaLogger {
  const forward = (level: Level) => (first: unknown, ...rest: unknown[]) => {
    if (!logger.isLevelEnabled(level) || maskedErrors?.holds(first)) return;
    const message = rest.map(String).join(' ');
    if (typeof first === 'object' && first !== null) logger[level](first, message || undefined);
    else logger[level]([first, ...rest].map(String).join(' '));
  };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}
