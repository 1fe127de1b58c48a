import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from './config.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  readonly level: string;
  readonly format: LogFormat;
  /** Where the lines go (default: standard output). */
  readonly destination?: NodeJS.WritableStream;
  /** Whether the destination is a terminal (default: standard output's). */
  readonly isTty?: boolean;
}

/** user:password@ in any URL-like text (postgresql://, smtp://, smtps://). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s/@]*)@/gi;

/**
 * Text with the passwords of URLs in it masked: 'smtp://u:secret@host' → 'smtp://u:***@host'. Error messages of
 * drivers and mailers can quote a connection string; logs and job_runs never keep one whole.
 */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1$2:***@');
}

/** An error as a log field: its class, message and code, scrubbed; no stack unless debugging. */
function errorField(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: scrubSecrets(String(error)) };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name,
    message: scrubSecrets(error.message),
    ...(code === undefined ? {} : { code }),
    ...(process.env.TAGIH_DEBUG && error.stack ? { stack: scrubSecrets(error.stack) } : {}),
  };
}

/**
 * The structured log: JSON lines (pino), pretty on a terminal. Never given OTP texts (no code path logs message
 * content), and the fields that could hold a secret are censored on the way out.
 */
export function createLogger(options: LoggerOptions): Logger {
  const isTty = options.isTty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && isTty);
  const settings: pino.LoggerOptions = {
    level: options.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: errorField, error: errorField },
    redact: {
      paths: [
        'databaseUrl',
        'smtpUrl',
        'password',
        'message_text',
        'messageText',
        '*.databaseUrl',
        '*.smtpUrl',
        '*.password',
        '*.message_text',
        '*.messageText',
      ],
      censor: '[redacted]',
    },
  };
  if (usePretty) {
    return pino(
      settings,
      pretty({
        colorize: isTty,
        sync: true,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
        ignore: 'pid,hostname',
        singleLine: true,
        destination: options.destination ?? 1,
      }),
    );
  }
  return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
