import { countCharacters, partsForBillableCharacters } from '../domain/counting.ts';
import { isDeliveryStatus, isSendingStatus } from '../domain/delivery-status.ts';
import { normaliseNumber, operatorOf, type PrefixTable } from '../domain/numbers.ts';
import { parseOffsetTimestamp } from '../domain/period.ts';

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
  | { readonly kind: 'send'; readonly row: SendRow }
  | { readonly kind: 'reports'; readonly rows: ReadonlyArray<ReportRow> }
  | { readonly kind: 'rejected'; readonly reason: string };

export interface ParseContext {
  readonly customers: ReadonlyMap<string, number>;
  readonly products: ReadonlySet<string>;
  readonly prefixes: PrefixTable;
  readonly storeMessageText: boolean;
}

const DEFAULT_PRODUCT = 'whatsapp_otp';

function rejected(reason: string): ParsedLine {
  return { kind: 'rejected', reason };
}

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

/** Short, secret-free description of a value for an error message (never the OTP text). */
function shown(value: unknown): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  if (s === undefined) return '(missing)';
  return `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return rejected('not valid JSON; each line must be one JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rejected('not a JSON object; expected a send record or a status_respon delivery report');
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

function parseSend(record: Record<string, unknown>, ctx: ParseContext): ParsedLine {
  const code = record.customer;
  if (typeof code !== 'string' || code.trim() === '') return rejected('customer is missing');
  const customerId = ctx.customers.get(code.trim());
  if (customerId === undefined) {
    return rejected(
      `unknown customer '${code.trim().slice(0, 40)}': add it with 'npm run customers -- add' or 'import', then 'npm run ingest -- --replay'`,
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
    return rejected(`product ${shown(product)} is unknown; expected one of ${[...ctx.products].join(', ')}`);
  }
  if (typeof record.number !== 'string' && typeof record.number !== 'number')
    return rejected('number is missing');
  const number = normaliseNumber(String(record.number));
  if (number === null) return rejected(`number ${shown(record.number)} is not a phone number`);

  if (typeof record.sent_at !== 'string')
    return rejected('sent_at is missing; expected e.g. 2026-10-05T10:11:12+07:00');
  const sentAt = parseOffsetTimestamp(record.sent_at);
  if (sentAt === null) {
    return rejected(
      `sent_at ${shown(record.sent_at)} is not a timestamp with a time-zone offset; expected e.g. 2026-10-05T10:11:12+07:00`,
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
