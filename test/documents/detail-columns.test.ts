// Issue 16 / R14: the detail's text is made in Node.js from a binary COPY (detail-rows.ts). It must be the bytes
// PostgreSQL's own CSV gave for the wording of DESIGN §2: to_char's WIB time, the formula guard's regular
// expression, the status words, the prices and PostgreSQL's CSV quoting, whatever the DateStyle.
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinaryCopyReader } from '../../src/db/binary-copy.ts';
import {
  checkDetailTuple,
  DETAIL_ROW_FIELDS,
  DETAIL_ROW_SQL,
  DetailLines,
  detailPricesOf,
} from '../../src/documents/detail-rows.ts';
import { createEmptyDatabase, type TestDatabase } from '../support/database.ts';

let t: TestDatabase;
let client: pg.PoolClient;

beforeAll(async () => {
  t = await createEmptyDatabase();
  client = await t.pool.connect();
  await client.query("set datestyle = 'SQL, DMY'");
});
afterAll(async () => {
  client.release();
  await t.close();
});

const times = [
  '2026-10-10T09:00:00+07:00',
  '2026-09-30T17:00:00Z', // midnight WIB, the month's first second
  '2026-10-31T16:59:59.999999Z', // a fraction of a second is cut, not rounded
  '2026-12-31T23:30:15.5+07:00',
  '2027-01-01T00:00:00+08:00',
  '1999-12-31T16:59:59.5Z', // before 2000: PostgreSQL's microseconds are negative
  '1970-01-01T00:00:00Z',
  '2099-12-31T16:59:59Z',
];
const numbers = [
  '6281234567890',
  '=1+2',
  '+6281',
  '-5',
  '@SUM(A1)',
  '\t628',
  '\r628',
  '',
  "'x",
  '628=1',
  '62,81',
  '62"81',
  '62\n81',
  '=6,2"8',
  '628ñ',
];
// [sending status, delivery status]: every status word.
const statuses: Array<[number, number | null]> = [
  [10, null],
  [10, 2],
  [10, 3],
  [10, 4],
  [10, 5],
  [10, 6],
  [10, 7],
  [60, null],
  [70, 3],
  [80, null],
  [90, 7],
];
const prices = [
  { product: 'whatsapp_otp', operator: 'telkomsel', unitPrice: 350 },
  { product: 'whatsapp_otp', operator: 'xl', unitPrice: 410 },
];

interface Row {
  readonly id: string;
  readonly at: string;
  readonly number: string;
  readonly operator: string;
  readonly status: [number, number | null];
  readonly billed: boolean;
  readonly parts: number;
}

function rows(): Row[] {
  const out: Row[] = [];
  let k = 0;
  for (const at of times) {
    for (const number of numbers) {
      const status = statuses[k % statuses.length]!;
      out.push({
        id: String(1000 + k),
        at,
        number,
        operator: ['telkomsel', 'xl', 'three'][k % 3]!,
        status,
        billed: k % 4 !== 0,
        parts: 1 + (k % 3),
      });
      k += 1;
    }
  }
  // sendingids beyond 2^53 and at the top of bigint.
  out.push({ ...out[0]!, id: '9007199254740993' }, { ...out[1]!, id: '9223372036854775807' });
  return out;
}

function valuesSql(rs: ReadonlyArray<Row>): string {
  const lit = (s: string) => client.escapeLiteral(s);
  return rs
    .map(
      (r) =>
        `(${r.id}::bigint, ${lit(r.at)}::timestamptz, ${lit(r.number)}, ${lit(r.operator)}, 'whatsapp_otp', ${r.status[0]}::smallint, ${r.status[1] ?? 'null'}::smallint, 10, 12, ${r.parts}, ${r.billed})`,
    )
    .join(', ');
}

const M = `m(sending_id, sent_at, number, operator, product, sending_status, delivery_status, characters,
  billable_characters, parts, billed)`;

async function copyOut(sql: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of client.query(copyTo(sql)) as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** PostgreSQL's own CSV of the wording as it was written in SQL before issue 16 (to_char, a regular expression). */
async function postgresCsv(rs: ReadonlyArray<Row>): Promise<string> {
  return postgresCsvOf(`(values ${valuesSql(rs)}) as ${M}`);
}

/** The same, over any relation `m` with the columns of M. */
async function postgresCsvOf(m: string): Promise<string> {
  const priceValues = prices
    .map((p) => `('${p.product}', '${p.operator}', ${p.unitPrice}::bigint)`)
    .join(', ');
  return (
    await copyOut(`copy (
      select m.sending_id,
        to_char(m.sent_at at time zone 'Asia/Jakarta', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
        case when m.number ~ '^[=+@\\t\\r-]' then '''' || m.number else m.number end,
        m.operator, m.product,
        case m.sending_status
          when 60 then 'invalid_number' when 70 then 'invalid_message' when 80 then 'minimum_balance' when 90 then 'system_error'
          else case m.delivery_status
            when 2 then 'sent' when 3 then 'delivered' when 4 then 'read' when 5 then 'cancel' when 6 then 'reject'
            when 7 then 'pending' else 'accepted' end
        end,
        m.characters, m.billable_characters, m.parts,
        case when m.billed then coalesce(p.unit_price, 0) else 0 end,
        case when m.billed then coalesce(m.parts * p.unit_price, 0) else 0 end
      from ${m}
      left join (values ${priceValues}) as p(product, operator, unit_price)
        on p.product = m.product and p.operator = m.operator
      order by m.sending_id
    ) to stdout with (format csv)`)
  ).toString('utf8');
}

function binarySql(rs: ReadonlyArray<Row>): string {
  return binarySqlOf(`(values ${valuesSql(rs)}) as ${M}`);
}

function binarySqlOf(m: string): string {
  return `copy (select ${DETAIL_ROW_SQL('0', null, null)} from ${m}
    order by m.sending_id) to stdout with (format binary)`;
}

/**
 * 30 000 rows, about 3 MB of lines (DetailLines fills buffers of 1 MB): sendingids past 2^32, times over 34 days
 * with fractions of seconds, and counts from one digit to five.
 */
const MANY = `(select 7000000000 + g::bigint * 1000003 as sending_id,
    timestamptz '2026-09-30T16:59:58.25Z' + make_interval(secs => g * 97.75) as sent_at,
    '62812' || g as number, (array['telkomsel', 'xl', 'three'])[1 + g % 3] as operator, 'whatsapp_otp' as product,
    10::smallint as sending_status, (2 + g % 6)::smallint as delivery_status,
    g as characters, (g * 7) % 2500 as billable_characters, g % 12 as parts, g % 5 <> 0 as billed
  from generate_series(0, 29999) as g) as m`;

function linesOf(chunks: ReadonlyArray<Buffer>): { text: string; complete: boolean; tuples: number } {
  const reader = new BinaryCopyReader(DETAIL_ROW_FIELDS);
  const byPrice = detailPricesOf(prices);
  const lines = new DetailLines();
  let text = '';
  let tuples = 0;
  for (const c of chunks) {
    reader.push(c, (tuple) => {
      checkDetailTuple(tuple);
      lines.add(tuple, byPrice);
      tuples += 1;
    });
    text += lines.take().toString('utf8');
  }
  return { text, complete: reader.complete, tuples };
}

describe('the detail rows made from a binary COPY', () => {
  it("are PostgreSQL's CSV of the detail's wording, byte for byte", async () => {
    const rs = rows();
    const expected = await postgresCsv(rs);
    const got = linesOf([await copyOut(binarySql(rs))]);
    expect(got.complete).toBe(true);
    expect(got.tuples).toBe(rs.length);
    expect(got.text).toBe(expected);
    // And as written out, not only as PostgreSQL agrees: the times and the guarded, quoted numbers.
    const lines = got.text.split(/\n(?=\d+,)/);
    const first = (k: number) => lines[k * numbers.length]!.split(',')[1];
    expect(times.map((_, k) => first(k))).toEqual([
      '2026-10-10T09:00:00+07:00',
      '2026-10-01T00:00:00+07:00',
      '2026-10-31T23:59:59+07:00',
      '2026-12-31T23:30:15+07:00',
      '2026-12-31T23:00:00+07:00',
      '1999-12-31T23:59:59+07:00',
      '1970-01-01T07:00:00+07:00',
      '2099-12-31T23:59:59+07:00',
    ]);
    expect(
      lines.slice(0, numbers.length).map((l) => l.slice(l.indexOf('+07:00,') + 7).split(',whatsapp')[0]),
    ).toEqual([
      '6281234567890,telkomsel',
      "'=1+2,xl",
      "'+6281,three",
      "'-5,telkomsel",
      "'@SUM(A1),xl",
      "'\t628,three",
      `"'\r628",telkomsel`,
      '"",xl',
      "'x,three",
      '628=1,telkomsel',
      '"62,81",xl',
      '"62""81",three',
      '"62\n81",telkomsel',
      `"'=6,2""8",xl`,
      '628ñ,three',
    ]);
    expect(got.text).toContain('\n9007199254740993,');
    expect(got.text).toContain('\n9223372036854775807,');
  });

  it('come out the same whatever the COPY stream is cut into', async () => {
    const rs = rows().slice(0, 12);
    const bytes = await copyOut(binarySql(rs));
    const whole = linesOf([bytes]).text;
    expect(whole.split('\n').length - 1).toBeGreaterThanOrEqual(12);
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = linesOf([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(got.text).toBe(whole);
      expect(got.complete).toBe(true);
    }
    // Cut short: not complete, so a writer knows the COPY broke off.
    expect(linesOf([bytes.subarray(0, bytes.length - 1)]).complete).toBe(false);
  });

  it('keep every piece taken whole while later lines fill new buffers', async () => {
    const bytes = await copyOut(binarySqlOf(MANY));
    const reader = new BinaryCopyReader(DETAIL_ROW_FIELDS);
    const byPrice = detailPricesOf(prices);
    const lines = new DetailLines();
    // Pieces taken at uneven points and all kept until the end: a later line must not overwrite an earlier piece.
    const pieces: Buffer[] = [];
    for (let at = 0, k = 0; at < bytes.length; at += 7919, k++) {
      reader.push(bytes.subarray(at, at + 7919), (tuple) => lines.add(tuple, byPrice));
      if (k % 3 === 0 || lines.size > 900_000) pieces.push(lines.take());
    }
    pieces.push(lines.take());
    expect(reader.complete).toBe(true);
    expect(lines.size).toBe(0);
    expect(pieces.some((p) => p.length > 0 && p.buffer !== pieces[0]!.buffer)).toBe(true);
    const text = Buffer.concat(pieces).toString('utf8');
    expect(text).toBe(await postgresCsvOf(MANY));
    expect(text.split('\n')).toHaveLength(30_001);
  });

  it('refuses a stream that is not a binary COPY, or a tuple of another shape', async () => {
    expect(() => linesOf([Buffer.from('sending_id,sent_at\n1,2\n'.repeat(3))])).toThrow(/PGCOPY signature/);
    const other = await copyOut('copy (select 1::int4, 2::int8) to stdout with (format binary)');
    expect(() => linesOf([other])).toThrow(/a tuple of 2 fields where 14 were expected/);
  });
});
