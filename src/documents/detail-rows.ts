// R14: the one home of the usage detail's wording (DESIGN §2): its header, the columns PostgreSQL sends for each
// row (DETAIL_ROW_SQL, as a binary COPY) and the CSV line made of them (detailLine). Both writers use it: an
// invoice's own COPY (detail-csv.ts) and the month's shared COPY (month-details.ts).
//
// Issue 16: the text is made here, not by PostgreSQL. A month's detail was PostgreSQL formatting every row (the
// WIB time's text above all) in the same processes that sort them: 5.1–5.4 s for half of a 1 M month against
// 2.5–2.8 s for the same rows sorted as raw binary columns (psql, COPY to /dev/null, 2026-12-03).
import { type BinaryTuple, int64At, int64Text } from '../db/binary-copy.ts';

/** The detail's header (DESIGN §2). */
export const DETAIL_HEADER =
  'sending_id,sent_at,number,operator,product,status,characters,billable_characters,parts,unit_price,amount';

/**
 * The columns of a detail row over `m` (a messages row with `billed`) in the order detailLine reads them. The
 * first is the row's invoice (its index in a shared COPY, 0 in an invoice's own). `unitPrice` and `amount` are
 * SQL for a priced row, or null when detailLine prices the row itself from the invoice's lines.
 */
export function DETAIL_ROW_SQL(ord: string, unitPrice: string | null, amount: string | null): string {
  const unpriced = unitPrice === null || amount === null;
  return `(${ord})::int4, m.sending_id, m.sent_at, m.number, m.operator, m.product, m.sending_status,
      m.delivery_status, m.characters, m.billable_characters, m.parts, m.billed,
      ${unpriced ? 'null::int8' : `(case when m.billed then ${unitPrice} else 0 end)::int8`},
      ${unpriced ? 'null::int8' : `(case when m.billed then ${amount} else 0 end)::int8`}`;
}

/** How many fields DETAIL_ROW_SQL gives. */
export const DETAIL_ROW_FIELDS = 14;

const F = {
  ord: 0,
  sendingId: 1,
  sentAt: 2,
  number: 3,
  operator: 4,
  product: 5,
  sendingStatus: 6,
  deliveryStatus: 7,
  characters: 8,
  billableCharacters: 9,
  parts: 10,
  billed: 11,
  unitPrice: 12,
  amount: 13,
} as const;

const SIZES: ReadonlyArray<[number, number]> = [
  [F.ord, 4],
  [F.sendingId, 8],
  [F.sentAt, 8],
  [F.sendingStatus, 2],
  [F.characters, 4],
  [F.billableCharacters, 4],
  [F.parts, 4],
  [F.billed, 1],
];

/** Checks a row's fixed-size fields against the types detailLine reads (a changed column type fails here). */
export function checkDetailTuple(t: BinaryTuple): void {
  for (const [f, size] of SIZES) {
    if (t.length[f] !== size)
      throw new Error(`detail: field ${f} of the COPY has ${t.length[f]} bytes where ${size} were expected`);
  }
  if (t.length[F.deliveryStatus]! >= 0 && t.length[F.deliveryStatus] !== 2)
    throw new Error('detail: delivery_status of the COPY is not a smallint');
}

/** The invoice a row of a shared COPY belongs to. */
export function detailOrd(t: BinaryTuple): number {
  return t.buf.readInt32BE(t.start[F.ord]!);
}

/** An invoice's unit prices by product, then operator, for the rows DETAIL_ROW_SQL leaves unpriced. */
export type DetailPrices = ReadonlyMap<string, ReadonlyMap<string, number>>;

export function detailPricesOf(
  prices: ReadonlyArray<{ readonly product: string; readonly operator: string; readonly unitPrice: number }>,
): DetailPrices {
  const byProduct = new Map<string, Map<string, number>>();
  for (const p of prices) {
    const ofProduct = byProduct.get(p.product) ?? new Map<string, number>();
    ofProduct.set(p.operator, p.unitPrice);
    byProduct.set(p.product, ofProduct);
  }
  return byProduct;
}

/** DESIGN §2: the detail's status word: a failed send's reason, else the last delivery report's status. */
export function statusOf(sendingStatus: number, deliveryStatus: number | null): string {
  switch (sendingStatus) {
    case 60:
      return 'invalid_number';
    case 70:
      return 'invalid_message';
    case 80:
      return 'minimum_balance';
    case 90:
      return 'system_error';
  }
  switch (deliveryStatus) {
    case 2:
      return 'sent';
    case 3:
      return 'delivered';
    case 4:
      return 'read';
    case 5:
      return 'cancel';
    case 6:
      return 'reject';
    case 7:
      return 'pending';
    default:
      return 'accepted';
  }
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const TAB = 0x09;
const ZERO = 0x30;
const COLON = 0x3a;
const MINUS = 0x2d;
/** A number starting with one of these is read as a formula by a spreadsheet: it gets an apostrophe first. */
const FORMULA_STARTS = new Set([0x3d, 0x2b, 0x40, MINUS, TAB, RETURN]); // = + @ - tab return
const WIB_SUFFIX = Buffer.from('+07:00', 'latin1');
/** PostgreSQL's timestamps count microseconds from 2000-01-01 UTC; WIB is UTC+7 all year (no summer time). */
const UNIX_2000_SECONDS = 946_684_800;
const WIB_SECONDS = 7 * 3600;
const DAY_SECONDS = 86_400;

/**
 * How many bytes of an invoice's lines are gathered before they are written (issue 16: a write, and a gzip call,
 * for every 64 KB chunk of the COPY cost the 10 M month's export about a tenth of its time).
 */
export const WRITE_BYTES = 1 << 19;

/** The size of each buffer DetailLines writes into; the lines taken are views of it, not copies. */
const LINES_CAPACITY = 1 << 20;

/**
 * The detail's CSV lines, written as bytes into one buffer: a month's details are tens of millions of lines, and
 * strings for each of them cost more than PostgreSQL's sort (issue 16). `add` appends a row's line, `take` hands
 * over the lines added since the last take.
 */
export class DetailLines {
  private buf = Buffer.allocUnsafe(LINES_CAPACITY);
  /** Where the lines not yet taken start in `buf`; what was taken before stays untouched (it is handed out). */
  private from = 0;
  private pos = 0;
  /** The status word's bytes by sending status and delivery status (two smallints, the null as 0), as one key. */
  private readonly statuses = new Map<number, Buffer>();
  private lastDay = Number.NaN;
  private lastDate = Buffer.alloc(0);
  /** Short texts seen (products, operators) and their strings, so a row's price needs no new string. */
  private readonly words: Array<{ bytes: Buffer; text: string }> = [];

  /**
   * Appends one row's line. `prices` prices a row DETAIL_ROW_SQL left unpriced: a billed message at its
   * product's and operator's unit price (0 when the invoice has no line for them), any other at 0 (R2).
   */
  add(t: BinaryTuple, prices: DetailPrices): void {
    const { buf: src, start, length } = t;
    const numberAt = start[F.number]!;
    const numberBytes = length[F.number]!;
    this.ensure(240 + 2 * numberBytes + length[F.operator]! + length[F.product]!);
    this.sendingId(src, start[F.sendingId]!);
    this.byte(COMMA);
    this.wibTime(int64At(src, start[F.sentAt]!));
    this.byte(COMMA);
    this.number(src, numberAt, numberBytes);
    this.byte(COMMA);
    this.copy(src, start[F.operator]!, length[F.operator]!);
    this.byte(COMMA);
    this.copy(src, start[F.product]!, length[F.product]!);
    this.byte(COMMA);
    const word = this.status(
      src.readInt16BE(start[F.sendingStatus]!),
      length[F.deliveryStatus]! < 0 ? null : src.readInt16BE(start[F.deliveryStatus]!),
    );
    this.copy(word, 0, word.length);
    this.byte(COMMA);
    this.integer(src.readInt32BE(start[F.characters]!));
    this.byte(COMMA);
    this.integer(src.readInt32BE(start[F.billableCharacters]!));
    this.byte(COMMA);
    const parts = src.readInt32BE(start[F.parts]!);
    this.integer(parts);
    this.byte(COMMA);
    if (length[F.unitPrice]! < 0) {
      let unitPrice = 0;
      if (src[start[F.billed]!] === 1) {
        const product = this.word(src, start[F.product]!, length[F.product]!);
        const operator = this.word(src, start[F.operator]!, length[F.operator]!);
        unitPrice = prices.get(product)?.get(operator) ?? 0;
      }
      this.integer(unitPrice);
      this.byte(COMMA);
      this.integer(parts * unitPrice);
    } else {
      this.integer(int64At(src, start[F.unitPrice]!));
      this.byte(COMMA);
      this.integer(int64At(src, start[F.amount]!));
    }
    this.byte(NEWLINE);
  }

  /** The bytes added since the last take. */
  get size(): number {
    return this.pos - this.from;
  }

  /**
   * The lines added since the last take, as a view that stays valid: later lines go after it, or into a new
   * buffer (issue 16: a copy of every line and a write of every COPY chunk cost more than the lines' text).
   */
  take(): Buffer {
    const out = this.buf.subarray(this.from, this.pos);
    this.from = this.pos;
    return out;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const pending = this.pos - this.from;
    const next = Buffer.allocUnsafe(Math.max(LINES_CAPACITY, 2 * (pending + bytes)));
    this.buf.copy(next, 0, this.from, this.pos);
    this.buf = next;
    this.from = 0;
    this.pos = pending;
  }

  private status(sendingStatus: number, deliveryStatus: number | null): Buffer {
    const key = sendingStatus * 65_537 + (deliveryStatus === null ? 0 : deliveryStatus + 32_769);
    let word = this.statuses.get(key);
    if (word === undefined) {
      word = Buffer.from(statusOf(sendingStatus, deliveryStatus), 'latin1');
      this.statuses.set(key, word);
    }
    return word;
  }

  private byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  private copy(src: Buffer, at: number, bytes: number): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let k = 0; k < bytes; k++) buf[pos++] = src[at + k]!;
    this.pos = pos;
  }

  /** A whole number (below 2^53) in decimal. */
  private integer(n: number): void {
    const buf = this.buf;
    // The detail's counts and prices are mostly below 1 000: their digits without a division loop.
    if (n >= 0 && n < 1000) {
      if (n < 10) buf[this.pos++] = ZERO + n;
      else if (n < 100) {
        const tens = (n * 205) >> 11; // n / 10 for n < 1 000
        buf[this.pos++] = ZERO + tens;
        buf[this.pos++] = ZERO + n - 10 * tens;
      } else {
        const hundreds = (n * 41) >> 12; // n / 100 for n < 1 000
        const rest = n - 100 * hundreds;
        const tens = (rest * 205) >> 11;
        buf[this.pos++] = ZERO + hundreds;
        buf[this.pos++] = ZERO + tens;
        buf[this.pos++] = ZERO + rest - 10 * tens;
      }
      return;
    }
    if (n < 0) {
      buf[this.pos++] = MINUS;
      n = -n;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    let x = n;
    while (x >= 10) {
      const q = Math.floor(x / 10);
      buf[--p] = ZERO + (x - 10 * q);
      x = q;
    }
    buf[--p] = ZERO + x;
  }

  /** A sendingid: any bigint (the gateway's may be beyond 2^53). */
  private sendingId(src: Buffer, at: number): void {
    const hi = src.readInt32BE(at);
    if (hi >= 0 && hi < 0x200000) this.integer(hi * 4294967296 + src.readUInt32BE(at + 4));
    else this.pos += this.buf.write(int64Text(src, at), this.pos, 'latin1');
  }

  /** The WIB time cut to the second (not rounded): 2026-10-05T10:11:12+07:00. */
  private wibTime(micros: number): void {
    // Divisions and floors, not %: micros is past 2^31, where % of a double is many times slower (issue 16).
    let utc = Math.floor(micros / 1_000_000);
    const rest = micros - utc * 1_000_000; // exact below 2^53; the quotient's rounding is mended here
    if (rest < 0) utc -= 1;
    else if (rest >= 1_000_000) utc += 1;
    const seconds = utc + UNIX_2000_SECONDS + WIB_SECONDS;
    const day = Math.floor(seconds / DAY_SECONDS);
    const ofDay = seconds - day * DAY_SECONDS;
    // A detail's rows come in time order: its day is almost always the last row's.
    if (day !== this.lastDay) {
      this.lastDay = day;
      this.lastDate = Buffer.from(
        `${new Date(day * DAY_SECONDS * 1000).toISOString().slice(0, 10)}T`,
        'latin1',
      );
    }
    this.copy(this.lastDate, 0, this.lastDate.length);
    const hours = (ofDay / 3600) | 0;
    const ofHour = ofDay - hours * 3600;
    const minutes = (ofHour / 60) | 0;
    this.twoDigits(hours);
    this.byte(COLON);
    this.twoDigits(minutes);
    this.byte(COLON);
    this.twoDigits(ofHour - minutes * 60);
    this.copy(WIB_SUFFIX, 0, WIB_SUFFIX.length);
  }

  /** 0–99 as two digits. */
  private twoDigits(n: number): void {
    const tens = (n * 205) >> 11; // n / 10 for n < 1 000
    this.buf[this.pos++] = ZERO + tens;
    this.buf[this.pos++] = ZERO + n - 10 * tens;
  }

  /**
   * The number as PostgreSQL's CSV writes the guarded text: an apostrophe before a formula-like start, then
   * quoted (quotes doubled) when empty or holding a comma, a quote or a line break.
   */
  private number(src: Buffer, at: number, bytes: number): void {
    const guard = bytes > 0 && FORMULA_STARTS.has(src[at]!);
    let quote = bytes === 0;
    for (let k = 0; k < bytes && !quote; k++) {
      const c = src[at + k]!;
      quote = c === COMMA || c === QUOTE || c === NEWLINE || c === RETURN;
    }
    if (!quote) {
      if (guard) this.byte(APOSTROPHE);
      this.copy(src, at, bytes);
      return;
    }
    this.byte(QUOTE);
    if (guard) this.byte(APOSTROPHE);
    for (let k = 0; k < bytes; k++) {
      const c = src[at + k]!;
      if (c === QUOTE) this.byte(QUOTE);
      this.byte(c);
    }
    this.byte(QUOTE);
  }

  /** A product's or operator's text, without a new string once it has been seen. */
  private word(src: Buffer, at: number, bytes: number): string {
    for (const w of this.words) {
      if (w.bytes.length !== bytes) continue;
      let same = true;
      for (let k = 0; k < bytes && same; k++) same = w.bytes[k] === src[at + k];
      if (same) return w.text;
    }
    const text = src.toString('utf8', at, at + bytes);
    if (this.words.length < 64) this.words.push({ bytes: Buffer.from(src.subarray(at, at + bytes)), text });
    return text;
  }
}
