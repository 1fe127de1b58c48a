import { ConfigError } from '../config.ts';
import { parseRupiah } from '../domain/money.ts';

/** Thresholds of the review page's flags (environment variables; see templates/review/README.md). */
export interface ReviewSettings {
  /** Flag a customer whose parts grew or shrank by at least this factor against the previous month. */
  readonly usageFactor: number;
  /** Flag an invoice whose parts to operator 'other' (unknown prefixes, foreign numbers) reach this share. */
  readonly otherSharePercent: number;
  /** Flag an invoice whose total (PPN included) is above this many rupiah. */
  readonly totalThreshold: number;
}

export const DEFAULT_REVIEW_SETTINGS: ReviewSettings = {
  usageFactor: 2,
  otherSharePercent: 20,
  totalThreshold: 25_000_000,
};

type Env = Readonly<Record<string, string | undefined>>;

function factor(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw.replace(',', '.'));
  if (!/^\d+(?:[.,]\d+)?$/.test(raw) || !(value > 1)) {
    throw new ConfigError(
      `${key}=${raw} is not a factor above 1; expected e.g. ${key}=2 (flags usage that doubled or halved)`,
    );
  }
  return value;
}

function percent(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 100) {
    throw new ConfigError(`${key}=${raw} is not a whole percentage from 1 to 100; expected e.g. ${key}=20`);
  }
  return value;
}

function rupiah(env: Env, key: string, fallback: number): number {
  const raw = env[key]?.trim();
  if (!raw) return fallback;
  const value = parseRupiah(raw);
  if (value === null || value <= 0) {
    throw new ConfigError(
      `${key}=${raw} is not a positive whole rupiah amount; expected e.g. ${key}=25000000 or ${key}=25.000.000`,
    );
  }
  return value;
}

/** Reads the flag thresholds, refusing values that would silently flag everything or nothing. */
export function loadReviewSettings(env: Env = process.env): ReviewSettings {
  return {
    usageFactor: factor(env, 'TAGIH_REVIEW_USAGE_FACTOR', DEFAULT_REVIEW_SETTINGS.usageFactor),
    otherSharePercent: percent(
      env,
      'TAGIH_REVIEW_OTHER_SHARE_PERCENT',
      DEFAULT_REVIEW_SETTINGS.otherSharePercent,
    ),
    totalThreshold: rupiah(env, 'TAGIH_REVIEW_TOTAL_THRESHOLD', DEFAULT_REVIEW_SETTINGS.totalThreshold),
  };
}
