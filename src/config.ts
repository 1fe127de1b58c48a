import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { parseNitku, parseNpwp } from './domain/tax-ids.ts';
import { CronSyntaxError, parseCron } from './schedule/cron.ts';
import { JOB_DEFAULTS, JOB_NAMES, type JobName } from './schedule/job-names.ts';
import { fixedOffsetMinutes } from './schedule/timezone.ts';

/** One validated place for every setting (environment variables; see .env.example). */
export interface Config {
  /** PostgreSQL to use; null means the embedded default server. */
  readonly databaseUrl: string | null;
  /** Folder of the embedded PostgreSQL's data. */
  readonly dataDir: string;
  /** Port of the embedded PostgreSQL. */
  readonly embeddedPort: number;
  /** Where invoices, registers and the mail outbox folder go. */
  readonly outDir: string;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly financeCc: ReadonlyArray<string>;
  readonly financeBcc: ReadonlyArray<string>;
  readonly mailMaxAttempts: number;
  readonly mailAttachmentLimitBytes: number;
  /** Detail CSVs larger than this are gzipped. */
  readonly detailGzipAboveBytes: number;
  /** R9: minimum guarantee deposit in rupiah. */
  readonly minimumDeposit: number;
  /** Store OTP message texts in the database (off by default: they are secrets). */
  readonly storeMessageText: boolean;
  /** Days an open rejected line (which holds its OTP text) is kept before it is closed as expired (issue 17). */
  readonly rejectedRetentionDays: number;
  /** Time zone of the scheduler's cron expressions (billing periods are WIB whatever it is, R1). */
  readonly timezone: string;
  /** Its fixed UTC offset in minutes east of UTC (Asia/Jakarta: 420). */
  readonly timezoneOffsetMinutes: number;
  /** Each job's cron expression in `timezone`; null when the job is switched off ('off'). */
  readonly schedule: Readonly<Record<JobName, string | null>>;
  /** Days before the due date the first reminder goes out (R8 due date). */
  readonly reminderDaysBeforeDue: number;
  /** Days after the due date the overdue reminder goes out. */
  readonly reminderDaysAfterDue: number;
  /** How long the daemon waits for the running job on SIGTERM/SIGINT before it exits anyway. */
  readonly shutdownTimeoutSeconds: number;
  /** How often the daemon checks that its database answers, and the longest wait between tries once it is lost. */
  readonly databaseCheckSeconds: number;
  readonly databaseRetryMaxSeconds: number;
  /** 'json' lines, 'pretty' for a person, or 'auto': pretty on a terminal, JSON otherwise. */
  readonly logFormat: LogFormat;
  readonly reviewBeforeSending: boolean;
  readonly reviewBeforeSendingScheduler: boolean;
  readonly reviewPort: number;
  readonly reviewToken: string | null;
  /** The review page's address as the browser sees it behind an HTTPS proxy (its origin), or null. */
  readonly reviewPublicUrl: string | null;
  readonly operatorName: string;
  readonly company: {
    readonly name: string;
    readonly address: ReadonlyArray<string>;
    readonly npwp: string;
    readonly email: string;
    readonly whatsapp: string;
  };
  /** R17: the seller on the Faktur Pajak (Coretax TIN and SellerIDTKU). */
  readonly seller: {
    readonly npwp: string;
    readonly nitku: string;
    /** True while both are the plainly fake demo defaults: no real faktur can be made with them. */
    readonly isDemo: boolean;
  };
  readonly bank: { readonly bankName: string; readonly accountName: string; readonly accountNumber: string };
  readonly logLevel: string;
  /** Issue 13: where the HTTP API listens (`npm run api`, and `npm start` when set); null: not in `npm start`. */
  readonly apiListen: { readonly host: string; readonly port: number } | null;
  /** Issue 13: larger request bodies get 413. */
  readonly apiMaxBodyBytes: number;
  /** Issue 13: the reverse proxies whose X-Forwarded-For names the client (the balance check's IP allow-list). */
  readonly apiTrustProxy: ApiTrustProxy;
}

/**
 * Fastify's trustProxy as TAGIH_API_TRUST_PROXY gives it: false (off, the default: the socket's address is the
 * client's), or the proxies' addresses and networks (also loopback, linklocal, uniquelocal).
 */
export type ApiTrustProxy = false | ReadonlyArray<string>;

export type LogFormat = 'auto' | 'json' | 'pretty';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, key: string, fallback: string): string {
  const value = env[key];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

function optionalText(env: Env, key: string): string | null {
  const value = env[key]?.trim();
  return value ? value : null;
}

/** An http(s) address without path, query or credentials: the origin browsers will send. */
function publicUrl(env: Env, key: string): string | null {
  const raw = optionalText(env, key);
  if (raw === null) return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {}
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
    throw new ConfigError(
      `${key}=${raw} is not a web address; expected e.g. ${key}=https://review.example.co.id`,
    );
  }
  return url.origin;
}

function integer(
  env: Env,
  key: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`${key}=${raw} is not a whole number; expected e.g. ${key}=${fallback}`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(`${key}=${raw} is out of range; expected ${min}..${max}`);
  return value;
}

function flag(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${key}=${raw} is not a switch; expected true or false`);
}

function emails(env: Env, key: string): ReadonlyArray<string> {
  const raw = optionalText(env, key);
  if (!raw) return [];
  const list = raw.split(/[,;]\s*/).filter(Boolean);
  for (const e of list) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e))
      throw new ConfigError(`${key} holds '${e}', which is not an email address`);
  }
  return list;
}

function url(env: Env, key: string, protocols: ReadonlyArray<string>): string | null {
  const raw = optionalText(env, key);
  if (!raw) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${key} is not a URL; expected e.g. ${protocols[0]}//user:password@host:port/...`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${key} must start with ${protocols.join(' or ')} (got ${parsed.protocol})`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, key: string, allowed: ReadonlyArray<T>, fallback: T): T {
  const raw = env[key]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (!(allowed as ReadonlyArray<string>).includes(raw)) {
    throw new ConfigError(`${key}=${raw} is not allowed; expected one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** host:port, e.g. 127.0.0.1:8418 or [::1]:8418 (port 0: any free port). */
function listenAddress(env: Env, key: string): { host: string; port: number } | null {
  const raw = optionalText(env, key);
  if (!raw) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
  const port = m ? Number(m[2]) : -1;
  if (!m || port > 65535)
    throw new ConfigError(`${key}=${raw} is not host:port; expected e.g. ${key}=127.0.0.1:8418`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An IP address, an address/prefix network, or one of proxy-addr's names for a range. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.includes(entry.toLowerCase())) return true;
  const [address = '', bits, ...more] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || more.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** Issue 13: which reverse proxies the API believes about the client's address (X-Forwarded-For). */
function trustProxy(env: Env, key: string): ApiTrustProxy {
  const raw = optionalText(env, key);
  if (raw === null || ['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  const expected = `expected the reverse proxy's address or network, e.g. ${key}=127.0.0.1 or ${key}=10.0.0.0/8,loopback, or off`;
  if (['1', 'true', 'yes', 'on', 'all'].includes(raw.toLowerCase())) {
    // Trusting every hop takes the left-most X-Forwarded-For address, which the client writes itself: any client
    // could then pass the balance check's IP allow-list. (Fastify 5 no longer takes a hop count.)
    throw new ConfigError(
      `${key}=${raw} would trust every proxy, so any client could choose its address with X-Forwarded-For and pass the IP allow-list; ${expected}`,
    );
  }
  const entries = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new ConfigError(`${key}=${raw} names no proxy; ${expected}`);
  const bad = entries.find((e) => !isProxyAddress(e));
  if (bad !== undefined)
    throw new ConfigError(`${key}=${raw}: '${bad}' is not an IP address or network; ${expected}`);
  return entries;
}

function timezoneOffset(key: string, timezone: string): number {
  const result = fixedOffsetMinutes(timezone);
  if ('problem' in result) {
    throw new ConfigError(
      `${key}=${timezone} ${result.problem}; expected a zone with a fixed offset, e.g. ${key}=Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)`,
    );
  }
  return result.offset;
}

/** Each job's cron expression, checked here so a daemon with a bad one never starts (issue 6). */
function schedule(env: Env): Record<JobName, string | null> {
  const out = {} as Record<JobName, string | null>;
  for (const job of JOB_NAMES) {
    const { key, cron } = JOB_DEFAULTS[job];
    const raw = text(env, key, cron);
    if (raw.toLowerCase() === 'off') {
      out[job] = null;
      continue;
    }
    try {
      out[job] = parseCron(raw).source;
    } catch (error) {
      if (!(error instanceof CronSyntaxError)) throw error;
      throw new ConfigError(
        `${key}='${raw}' is not a cron expression: ${error.message}. Expected 5 fields 'minute hour day-of-month month day-of-week' in ${text(env, 'TAGIH_TIMEZONE', 'Asia/Jakarta')} time, e.g. ${key}='${cron}', or ${key}=off`,
      );
    }
  }
  return out;
}

// Plainly fake: all zeros is no taxpayer's NPWP, so a demo file can never be mistaken for a real one.
export const DEMO_SELLER_NPWP = '0000000000000000';
export const DEMO_SELLER_NITKU = '0000000000000000000000';

/** R17: the seller's 16-digit NPWP and 22-digit NITKU, checked here so nothing starts with a bad one. */
function seller(env: Env): Config['seller'] {
  const npwpRaw = text(env, 'TAGIH_SELLER_NPWP', DEMO_SELLER_NPWP);
  const npwp = parseNpwp(npwpRaw);
  if (!npwp.ok) throw new ConfigError(`TAGIH_SELLER_NPWP: ${npwp.problem}`);
  const nitkuRaw = text(env, 'TAGIH_SELLER_NITKU', `${npwp.value}000000`);
  const nitku = parseNitku(nitkuRaw);
  if (!nitku.ok) throw new ConfigError(`TAGIH_SELLER_NITKU: ${nitku.problem}`);
  if (!nitku.value.startsWith(npwp.value)) {
    throw new ConfigError(
      `TAGIH_SELLER_NITKU=${nitku.value} does not begin with TAGIH_SELLER_NPWP ${npwp.value}; expected ${npwp.value} and 6 digits, e.g. ${npwp.value}000000 for the head office`,
    );
  }
  // The older key prints the NPWP on credit notes, receipts and invoices of template versions 1-2: both set means
  // one taxpayer, so a PDF can never show two NPWPs for the same seller.
  const company = env.TAGIH_COMPANY_NPWP?.trim();
  if (env.TAGIH_SELLER_NPWP?.trim() && company) {
    const same = parseNpwp(company);
    if (!same.ok || same.value !== npwp.value)
      throw new ConfigError(
        `TAGIH_COMPANY_NPWP=${company} is not the same NPWP as TAGIH_SELLER_NPWP=${npwp.value}; set both to the seller's NPWP (the first may keep the old 15-digit form, e.g. ${npwp.value.slice(1, 3)}.${npwp.value.slice(3, 6)}.${npwp.value.slice(6, 9)}.${npwp.value.slice(9, 10)}-${npwp.value.slice(10, 13)}.${npwp.value.slice(13)})`,
      );
  }
  return { npwp: npwp.value, nitku: nitku.value, isDemo: npwp.value === DEMO_SELLER_NPWP };
}

/**
 * TAGIH_ENV_FILE names an optional file of KEY=VALUE lines (the .env.example form); the environment wins over it.
 */
function withEnvFile(env: Env, cwd: string): Env {
  const file = env.TAGIH_ENV_FILE?.trim();
  if (!file) return env;
  let content: string;
  try {
    content = readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ConfigError(
      `TAGIH_ENV_FILE=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected the path of a file of KEY=VALUE lines, like .env.example`,
    );
  }
  const fromFile = parseEnv(content);
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}

export function loadConfig(givenEnv: Env = process.env, cwd: string = process.cwd()): Config {
  const env = withEnvFile(givenEnv, cwd);
  const timezone = text(env, 'TAGIH_TIMEZONE', 'Asia/Jakarta');
  return {
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: path.resolve(cwd, text(env, 'TAGIH_DATA_DIR', '.data/postgres')),
    embeddedPort: integer(env, 'TAGIH_EMBEDDED_PORT', 54329, 1024, 65535),
    outDir: path.resolve(cwd, text(env, 'TAGIH_OUT', 'out')),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: text(env, 'TAGIH_MAIL_FROM', 'Tagihan ADSmedia <billing@adsmidia.co.id>'),
    financeCc: emails(env, 'TAGIH_FINANCE_CC'),
    financeBcc: emails(env, 'TAGIH_FINANCE_BCC'),
    mailMaxAttempts: integer(env, 'TAGIH_MAIL_MAX_ATTEMPTS', 5, 1, 100),
    mailAttachmentLimitBytes: integer(env, 'TAGIH_MAIL_ATTACHMENT_LIMIT_BYTES', 10 * 1024 * 1024, 1024),
    detailGzipAboveBytes: integer(env, 'TAGIH_DETAIL_GZIP_ABOVE_BYTES', 1024 * 1024, 0),
    minimumDeposit: integer(env, 'TAGIH_MINIMUM_DEPOSIT', 10_000_000, 0),
    storeMessageText: flag(env, 'TAGIH_STORE_MESSAGE_TEXT', false),
    rejectedRetentionDays: integer(env, 'TAGIH_REJECTED_RETENTION_DAYS', 30, 1, 3650),
    timezone,
    timezoneOffsetMinutes: timezoneOffset('TAGIH_TIMEZONE', timezone),
    schedule: schedule(env),
    reminderDaysBeforeDue: integer(env, 'TAGIH_REMINDER_DAYS_BEFORE_DUE', 3, 1, 13),
    reminderDaysAfterDue: integer(env, 'TAGIH_REMINDER_DAYS_AFTER_DUE', 1, 1, 90),
    shutdownTimeoutSeconds: integer(env, 'TAGIH_SHUTDOWN_TIMEOUT_SECONDS', 60, 1, 3600),
    databaseCheckSeconds: integer(env, 'TAGIH_DATABASE_CHECK_SECONDS', 10, 1, 3600),
    databaseRetryMaxSeconds: integer(env, 'TAGIH_DATABASE_RETRY_MAX_SECONDS', 60, 1, 3600),
    logFormat: oneOf<LogFormat>(env, 'TAGIH_LOG_FORMAT', ['auto', 'json', 'pretty'], 'auto'),
    reviewBeforeSending: flag(env, 'TAGIH_REVIEW_BEFORE_SENDING', true),
    reviewBeforeSendingScheduler: flag(env, 'TAGIH_REVIEW_BEFORE_SENDING_SCHEDULER', false),
    reviewPort: integer(env, 'TAGIH_REVIEW_PORT', 8417, 0, 65535),
    reviewToken: optionalText(env, 'TAGIH_REVIEW_TOKEN'),
    reviewPublicUrl: publicUrl(env, 'TAGIH_REVIEW_PUBLIC_URL'),
    operatorName: text(env, 'TAGIH_OPERATOR', safeUserName()),
    company: {
      name: text(env, 'TAGIH_COMPANY_NAME', 'PT. Adsmidia Digital Indonesia'),
      address: text(
        env,
        'TAGIH_COMPANY_ADDRESS',
        'Jl. Jend. Sudirman No. 187, Siliwangi Plaza, Ruko E.6|DS Siliwangi Office Unit 207|Karang Ayu, Semarang Barat, Indonesia',
      ).split('|'),
      npwp: text(env, 'TAGIH_COMPANY_NPWP', '01.234.567.8-501.000'),
      email: text(env, 'TAGIH_COMPANY_EMAIL', 'cs@adsmidia.co.id'),
      whatsapp: text(env, 'TAGIH_COMPANY_WHATSAPP', '6281229229419'),
    },
    seller: seller(env),
    bank: {
      bankName: text(env, 'TAGIH_BANK_NAME', 'Bank Central Asia (BCA)'),
      accountName: text(env, 'TAGIH_BANK_ACCOUNT_NAME', 'PT Adsmidia Digital Indonesia'),
      accountNumber: text(env, 'TAGIH_BANK_ACCOUNT_NUMBER', '0123456789'),
    },
    logLevel: oneOf(env, 'TAGIH_LOG_LEVEL', LOG_LEVELS, 'info'),
    apiListen: listenAddress(env, 'TAGIH_API_LISTEN'),
    apiMaxBodyBytes: integer(env, 'TAGIH_API_MAX_BODY_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    apiTrustProxy: trustProxy(env, 'TAGIH_API_TRUST_PROXY'),
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'operator';
  }
}
