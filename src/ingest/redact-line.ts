import { createHash } from 'node:crypto';
import { countCharacters } from '../domain/counting.ts';
import { normaliseNumber } from '../domain/numbers.ts';
import { hasDigitRun, looksLikeTimestamp, MAX_NESTING, MAX_QUOTED, nestsDeeperThan } from './field-values.ts';

export interface RedactedLine {
  /** The line with the message text, and every value that could hide one, replaced by its length and hash. */
  readonly raw: string;
  /** R3 counted characters of the message text (of the whole line when it is not a JSON object). */
  readonly messageLength: number;
  readonly messageSha256: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function removed(text: string): string {
  return `‹removed: ${countCharacters(text).billableCharacters} counted characters, sha256 ${sha256(text)}›`;
}

/** Values kept as they are: the record's structure, never able to hold an OTP text. */
function keptValue(key: string, value: unknown): boolean {
  if (value === null || typeof value === 'boolean') return true;
  switch (key) {
    case 'number':
      return typeof value === 'string' && normaliseNumber(value) !== null;
    case 'sendingid':
      return (
        (typeof value === 'number' && Number.isSafeInteger(value)) ||
        (typeof value === 'string' && /^\d{1,16}$/.test(value))
      );
    case 'sendingstatus':
    case 'deliverystatus':
      return /^\d{1,3}$/.test(String(value));
    case 'sent_at':
      return looksLikeTimestamp(value);
    case 'customer':
    case 'product':
    case 'deliverystatustext':
      return typeof value === 'string' && value.length <= MAX_QUOTED && !hasDigitRun(value);
    default:
      return false;
  }
}

function redactObject(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'status_respon' && Array.isArray(value)) {
      out[key] = value.map((item) =>
        typeof item === 'object' && item !== null && !Array.isArray(item)
          ? redactObject(item as Record<string, unknown>)
          : removed(JSON.stringify(item) ?? ''),
      );
    } else
      out[key] = keptValue(key, value)
        ? value
        : removed(typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/**
 * A closed rejected line as it is kept (issue 17): its message text replaced by the text's R3 counted length and
 * SHA-256, and so is any other value that is not plainly a customer code, id, number, time, status or product
 * (an OTP put in the wrong field). A line that is not a JSON object is replaced whole.
 */
export function redactLine(raw: string): RedactedLine {
  let value: unknown = null;
  if (!nestsDeeperThan(raw, MAX_NESTING)) {
    try {
      value = JSON.parse(raw);
    } catch {
      value = null;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      raw: removed(raw),
      messageLength: countCharacters(raw).billableCharacters,
      messageSha256: sha256(raw),
    };
  }
  const record = value as Record<string, unknown>;
  const message = typeof record.message === 'string' ? record.message : JSON.stringify(record.message ?? '');
  return {
    raw: JSON.stringify(redactObject(record)),
    messageLength: countCharacters(message).billableCharacters,
    messageSha256: sha256(message),
  };
}
