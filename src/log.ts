import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat } from './config.ts';
import { offsetLabel } from './schedule/timezone.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  readonly level: string;
  readonly format: LogFormat;
  /** Where the lines go (default: standard output). */
  readonly destination?: NodeJS.WritableStream;
  /** Whether the destination is a terminal (default: standard output's). */
  readonly isTty?: boolean;
  /** The offset log times are written at, in minutes east of UTC (default WIB, 420). */
  readonly offsetMinutes?: number;
  /** The clock (tests pass a fixed one). */
  readonly clock?: () => number;
}

/** WIB, UTC+7: Jakarta has no daylight saving, so the offset is fixed. */
const WIB_MINUTES = 7 * 60;

/** An instant as local time with its offset, to the millisecond: '2026-12-01T01:00:00.000+07:00'. */
export function logTime(ms: number, offsetMinutes: number = WIB_MINUTES): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  return `${local.slice(0, 23)}${offsetLabel(offsetMinutes)}`;
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
    // Issue 17: operators read WIB; the offset in every time keeps it unambiguous for machines.
    timestamp: () => `,"time":"${logTime((options.clock ?? Date.now)(), options.offsetMinutes)}"`,
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
        // The time is already WIB text with its offset: shown as written, not in the host's zone.
        translateTime: false,
        ignore: 'pid,hostname',
        singleLine: true,
        destination: options.destination ?? 1,
      }),
    );
  }
  return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
