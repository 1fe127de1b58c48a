import { countCharacters, partsForBillableCharacters } from '../domain/counting.ts';
import { isDeliveryStatus, isSendingStatus } from '../domain/delivery-status.ts';
import { normaliseNumber, operatorOf, type PrefixTable } from '../domain/numbers.ts';
import { parseOffsetTimestamp, wibDateOf } from '../domain/period.ts';
import { isPossibleSentAt, LONG_AGO_DAYS, sentAtOddity } from '../domain/sent-at-range.ts';
import {
  describedNumber,
  fieldWithNul,
  MAX_NESTING,
  nestsDeeperThan,
  shown,
  shownTimestamp,
} from './field-values.ts';

/** A send record ready to load. The message text travels only when configured to be stored. */
export interface SendRow {
  readonly sendingId: number;
  readonly customerId: number;
  readonly product: string;
  readonly number: string;
  readonly operator: string;
  readonly sentAt: Date;
  readonly sendingStatus: number;
  readonly characters: number;
  readonly billableCharacters: number;
  readonly parts: number;
  readonly contentHash: Buffer;
  readonly messageText: string | null;
}

export interface ReportRow {
  readonly sendingId: number;
  readonly deliveryStatus: number;
  readonly number: string | null;
}

export type ParsedLine =
  /** `warning`: loaded, but worth a look (an odd send time, R1). */
  | { readonly kind: 'send'; readonly row: SendRow; readonly warning?: string }
  | { readonly kind: 'reports'; readonly rows: ReadonlyArray<ReportRow> }
  /** `fixable`: a replay can load the line once tagih's own data changes (a customer or product added). */
  | { readonly kind: 'rejected'; readonly reason: string; readonly fixable: boolean };

export interface ParseContext {
  readonly customers: ReadonlyMap<string, number>;
  readonly products: ReadonlySet<string>;
  readonly prefixes: PrefixTable;
  readonly storeMessageText: boolean;
  /** The run's clock, to tell an odd send time (R1). */
  readonly now: Date;
  /**
   * R15: a prepaid account existed when the context was loaded, so the parser also lists each send as written
   * (ParsedChunk.sent) for prepaid charging; a postpaid-only gateway's ingest does not pay for that list.
   */
  readonly prepaid?: boolean;
}

const DEFAULT_PRODUCT = 'whatsapp_otp';

function rejected(reason: string, fixable = false): ParsedLine {
  return { kind: 'rejected', reason, fixable };
}

/** An overlong line (told by readLines, which kept only its beginning): it can never load as it is. */
export function lineTooLong(bytes: number, limit: number): ParsedLine {
  return rejected(
    `the line is ${bytes} bytes long, over the limit of ${limit}; only its beginning is kept. Fix the line at the source and ingest the file again`,
  );
}

/** Longest customer code, number, product or send time read; a longer one is refused without a look. */
const MAX_FIELD = 64;

function sendingIdOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? value : null;
  if (typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

function smallIntOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,3}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/**
 * 64-bit fingerprint of a send record's content (two 32-bit multiply-xorshift lanes over the UTF-16 units), only
 * to tell "the same line again" from "the same sendingid with other content". Not a cryptographic hash: sha256
 * cost 2 µs a line, a third of the ingest's JavaScript time, for no gain here.
 */
export function contentHashOf(text: string): Buffer {
  let h1 = 0xdeadbeef ^ text.length;
  let h2 = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const out = Buffer.allocUnsafe(8);
  out.writeUInt32BE(h1 >>> 0, 0);
  out.writeUInt32BE(h2 >>> 0, 4);
  return out;
}

/** Reads one gateway log line: a send record, a status_respon delivery report, or the reason it is bad (R2–R4). */
export function parseLine(text: string, ctx: ParseContext): ParsedLine {
  if (text.trim() === '') return rejected('empty line');
  if (nestsDeeperThan(text, MAX_NESTING))
    return rejected(`JSON nested deeper than ${MAX_NESTING} levels; a send record or report needs at most 3`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return rejected('not valid JSON; each line must be one JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rejected('not a JSON object; expected a send record or a status_respon delivery report');
  }
  if (text.includes('\\u0000')) {
    const field = fieldWithNul(value);
    if (field)
      return rejected(
        `${field} holds a NUL character (\\u0000), which no gateway record has and PostgreSQL cannot store; fix the line at the source and ingest the file again`,
      );
  }
  const record = value as Record<string, unknown>;
  if ('status_respon' in record) return parseReports(record.status_respon);
  return parseSend(record, ctx);
}

function parseReports(list: unknown): ParsedLine {
  if (!Array.isArray(list) || list.length === 0)
    return rejected('status_respon must be a non-empty list of reports');
  const rows: ReportRow[] = [];
  for (const [i, item] of list.entries()) {
    const where = list.length > 1 ? `status_respon[${i}]: ` : '';
    if (typeof item !== 'object' || item === null) return rejected(`${where}a report must be an object`);
    const report = item as Record<string, unknown>;
    const sendingId = sendingIdOf(report.sendingid);
    if (sendingId === null)
      return rejected(`${where}sendingid ${shown(report.sendingid)}: a positive whole number is required`);
    const status = smallIntOf(report.deliverystatus);
    if (status === null || !isDeliveryStatus(status)) {
      return rejected(
        `${where}deliverystatus ${shown(report.deliverystatus)} is not one of 2, 3, 4, 5, 6, 7`,
      );
    }
    const number = typeof report.number === 'string' ? normaliseNumber(report.number) : null;
    rows.push({ sendingId, deliveryStatus: status, number });
  }
  return { kind: 'reports', rows };
}

function oversizedField(record: Record<string, unknown>): string | null {
  for (const key of ['customer', 'number', 'sent_at', 'product', 'sendingid', 'sendingstatus']) {
    const value = record[key];
    if (typeof value === 'string' && value.length > MAX_FIELD)
      return `${key} is a text of ${value.length} characters; at most ${MAX_FIELD} are read`;
  }
  return null;
}

function parseSend(record: Record<string, unknown>, ctx: ParseContext): ParsedLine {
  const oversized = oversizedField(record);
  if (oversized) return rejected(oversized);
  const code = record.customer;
  if (typeof code !== 'string' || code.trim() === '') return rejected('customer is missing');
  const customerId = ctx.customers.get(code.trim());
  if (customerId === undefined) {
    return rejected(
      `unknown customer ${shown(code.trim())}: add it with 'npm run customers -- add' or 'import', then 'npm run ingest -- --replay'`,
      true,
    );
  }
  const sendingId = sendingIdOf(record.sendingid);
  if (sendingId === null)
    return rejected(`sendingid ${shown(record.sendingid)}: a positive whole number is required`);

  const sendingStatus = record.sendingstatus === undefined ? 10 : smallIntOf(record.sendingstatus);
  if (sendingStatus === null || !isSendingStatus(sendingStatus)) {
    return rejected(`sendingstatus ${shown(record.sendingstatus)} is not one of 10, 60, 70, 80, 90`);
  }
  const product = record.product === undefined ? DEFAULT_PRODUCT : record.product;
  if (typeof product !== 'string' || !ctx.products.has(product)) {
    return rejected(
      `product ${shown(product)} is unknown; expected one of ${[...ctx.products].join(', ')}`,
      typeof product === 'string',
    );
  }
  if (typeof record.number !== 'string' && typeof record.number !== 'number')
    return rejected('number is missing');
  const number = normaliseNumber(String(record.number));
  if (number === null) {
    return rejected(
      `number (${describedNumber(String(record.number))}) is not a phone number; expected e.g. 0812-3456-7890 or +62 812 3456 7890`,
    );
  }

  if (typeof record.sent_at !== 'string')
    return rejected('sent_at is missing; expected e.g. 2026-10-05T10:11:12+07:00');
  const sentAt = parseOffsetTimestamp(record.sent_at);
  if (sentAt === null) {
    return rejected(
      `sent_at ${shownTimestamp(record.sent_at)} is not a timestamp with a time-zone offset; expected e.g. 2026-10-05T10:11:12+07:00`,
    );
  }
  // R1: a time no gateway clock shows (year 0000, 10000) is refused here, before PostgreSQL sees it.
  if (!isPossibleSentAt(sentAt)) {
    return rejected(
      `sent_at ${shownTimestamp(record.sent_at)} is outside the years 1970–2099 a gateway clock can show; fix the line at the source and ingest the file again`,
    );
  }
  const message = record.message ?? '';
  if (typeof message !== 'string') return rejected('message must be text');
  // R3: a send record the gateway accepted with an empty message is bad input.
  if (sendingStatus === 10 && message.length === 0) return rejected('empty message with sendingstatus 10');

  const { characters, billableCharacters } = countCharacters(message);
  const contentHash = contentHashOf(
    `${code.trim()}\0${sendingId}\0${number}\0${sentAt.getTime()}\0${sendingStatus}\0${product}\0${message}`,
  );
  return {
    kind: 'send',
    ...oddTimeWarning(record.sent_at, sentAt, ctx.now),
    row: {
      sendingId,
      customerId,
      product,
      number,
      operator: operatorOf(number, ctx.prefixes),
      sentAt,
      sendingStatus,
      characters,
      billableCharacters,
      parts: partsForBillableCharacters(billableCharacters),
      contentHash,
      messageText: ctx.storeMessageText ? message : null,
    },
  };
}

/** R1: an odd but possible send time is loaded (nothing the gateway sent is dropped) and warned about. */
function oddTimeWarning(given: unknown, sentAt: Date, now: Date): { warning?: string } {
  const oddity = sentAtOddity(sentAt, now);
  if (oddity === null) return {};
  const when = oddity === 'future' ? 'is in the future' : `is more than ${LONG_AGO_DAYS} days before today`;
  return {
    warning: `sent_at ${shownTimestamp(given)} ${when} (${wibDateOf(now)}); loaded and billed in its own month (R1). Check the gateway's clock`,
  };
}
