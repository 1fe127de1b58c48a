import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceRunRefused, runInvoiceMonth } from '../../../src/billing/invoicing/invoice-month.ts';
import { type Config, loadConfig } from '../../../src/config.ts';
import type { Database } from '../../../src/db/connect.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import {
  addCustomers,
  customerId,
  ingestLines,
  insertMessages,
  reportLine,
  sendLine,
  tempDir,
} from '../../support/fixtures.ts';

let t: TestDatabase;
let database: Database;
let config: Config;

const NOW = new Date('2026-11-27T03:00:00Z');

function run(extra: Partial<Parameters<typeof runInvoiceMonth>[2]> = {}, cfg: Config = config) {
  return runInvoiceMonth(database, cfg, {
    month: '2026-10',
    issueDate: '2026-11-01',
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: NOW,
    ...extra,
  });
}

async function csv(file: string): Promise<string[][]> {
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

beforeAll(async () => {
  t = await createTestDatabase();
  database = { db: t.db, pool: t.pool, safeUrl: 'test', close: async () => {} };
  config = { ...loadConfig({}), outDir: await tempDir('tagih-out-') };
});
afterAll(async () => {
  await t.close();
});

describe('refusals', () => {
  it.each([
    ['2026-13', '2026-11-01', /not of the form YYYY-MM/],
    ['2026-11', '2026-11-27', /2026-11 is not over yet; it can be invoiced from 2026-12-01/],
    ['2026-10', '2026-10-31', /before the end of 2026-10; the earliest issue date for 2026-10 is 2026-11-01/],
    ['2026-10', '2026-11-28', /in the future/],
  ])('R1/R8: month %s issued %s is refused', async (month, issueDate, message) => {
    await expect(run({ month, issueDate })).rejects.toThrow(message);
    await expect(run({ month, issueDate })).rejects.toBeInstanceOf(InvoiceRunRefused);
  });

  it('an unknown --customer is refused with where to look', async () => {
    await expect(run({ customerCode: 'NOPE' })).rejects.toThrow(
      /No customer with code 'NOPE'.*customers -- list/,
    );
  });
});

describe('R5: tier boundaries end to end (volume pricing)', () => {
  const cases: ReadonlyArray<[number, number]> = [
    [999, 350],
    [1000, 340],
    [4999, 340],
    [5000, 330],
    [19_999, 330],
    [20_000, 320],
    [99_999, 320],
    [100_000, 310],
    [249_999, 310],
    [250_000, 300],
  ];
  let out: Config;
  beforeAll(async () => {
    out = { ...config, outDir: await tempDir('tagih-tiers-') };
    for (const [parts] of cases) {
      const code = `T${parts}`;
      await addCustomers(t.db, [code]);
      // Most parts in big messages (100 parts each), the rest single-part, across two operators and 'other'.
      const big = Math.floor((parts - 3) / 100);
      await insertMessages(t.db, {
        customer: code,
        count: big,
        parts: 100,
        operator: 'xl',
        from: '2026-07-02T00:00:00+07:00',
      });
      await insertMessages(t.db, {
        customer: code,
        count: parts - 3 - big * 100,
        operator: 'telkomsel',
        from: '2026-07-03T00:00:00+07:00',
      });
      await insertMessages(t.db, {
        customer: code,
        count: 3,
        operator: 'other',
        from: '2026-07-04T00:00:00+07:00',
      });
    }
  });

  it.each(cases)('R5: %i parts cost %i each, operator other included', async (parts, price) => {
    const s = await run({ month: '2026-07', issueDate: '2026-08-01', customerCode: `T${parts}` }, out);
    expect(s.issued).toHaveLength(1);
    const inv = await t.db
      .selectFrom('invoices')
      .selectAll()
      .where('customer_id', '=', await customerId(t.db, `T${parts}`))
      .executeTakeFirstOrThrow();
    expect(inv.parts).toBe(parts);
    expect(inv.subtotal).toBe(parts * price);
    // R6 (PER-11, issued 2026-08-01): DPP = roundHalfUp(subtotal × 11 / 12), PPN = roundHalfUp(DPP × 12 / 100).
    const dpp = Math.floor((parts * price * 11 * 2 + 12) / 24);
    expect(inv.dpp).toBe(dpp);
    expect(inv.tax).toBe(Math.floor((dpp * 12 * 2 + 100) / 200));
    const lines = await t.db
      .selectFrom('invoice_lines')
      .selectAll()
      .where('invoice_id', '=', inv.id)
      .orderBy('operator')
      .execute();
    expect(lines.map((l) => l.operator)).toEqual(
      parts >= 103 ? ['other', 'telkomsel', 'xl'] : ['other', 'telkomsel'],
    );
    for (const l of lines) expect(l.unit_price).toBe(price);
  });
});

describe('the monthly run', () => {
  let out: Config;
  beforeAll(async () => {
    out = { ...config, outDir: await tempDir('tagih-run-') };
    await addCustomers(t.db, ['ALFA', 'BRAVO', 'CHARLIE', 'QUIET']);
    await ingestLines(t.pool, [
      // R1: WIB month edges given in UTC.
      sendLine({ customer: 'ALFA', sendingid: 1, sent_at: '2026-09-30T16:59:59Z' }), // 30 Sep 23:59:59 WIB: September
      sendLine({ customer: 'ALFA', sendingid: 2, sent_at: '2026-09-30T17:00:00Z', number: '+6281311112222' }), // 1 Oct 00:00 WIB
      sendLine({
        customer: 'ALFA',
        sendingid: 3,
        sent_at: '2026-10-31T16:59:59Z',
        number: '0857-1111-2222',
        message: 'a'.repeat(1001),
      }),
      sendLine({ customer: 'ALFA', sendingid: 4, sent_at: '2026-10-31T17:00:00Z' }), // 1 Nov WIB
      sendLine({
        customer: 'ALFA',
        sendingid: 5,
        sent_at: '2026-10-10T09:00:00+07:00',
        number: '0881-2345-6789',
      }),
      sendLine({
        customer: 'ALFA',
        sendingid: 6,
        sent_at: '2026-10-10T09:00:01+07:00',
        sendingstatus: 60,
        message: '',
      }),
      sendLine({ customer: 'ALFA', sendingid: 7, sent_at: '2026-10-10T09:00:02+07:00' }),
      reportLine(7, 5), // cancelled: not billable
      sendLine({
        customer: 'BRAVO',
        sendingid: 11,
        sent_at: '2026-10-15T12:00:00+07:00',
        number: '+14155550100',
      }),
      sendLine({
        customer: 'BRAVO',
        sendingid: 12,
        sent_at: '2026-10-15T12:00:01+07:00',
        message: '=HYPERLINK("x")',
      }),
      // CHARLIE has only usage of a product without a price list: parked, the others go on.
      sendLine({
        customer: 'CHARLIE',
        sendingid: 21,
        sent_at: '2026-10-15T12:00:00+07:00',
        product: 'sms_otp',
      }),
    ]);
  });

  it('R7: issues one invoice per customer with billable usage, parks the unpriceable, skips the quiet', async () => {
    const s = await run({}, out);
    expect(s.issued.map((i) => [i.customerCode, i.number])).toEqual([
      ['ALFA', 'INV/2026/11/00011'],
      ['BRAVO', 'INV/2026/11/00012'],
    ]);
    expect(s.parked).toEqual([
      {
        customerCode: 'CHARLIE',
        reason: expect.stringMatching(/sms_otp.*no price list in force on 2026-10-01/),
      },
    ]);
    expect(s.skipped).toContain('QUIET');
    const alfa = s.issued[0]!;
    // R1: messages 2, 3 (2 parts), 5 are October; R2: 6 (status 60) and 7 (Cancel) are not billable.
    expect(alfa.subtotal).toBe(4 * 350);
    expect(alfa.tax).toBe(Math.floor((1400 * 11) / 100));
    expect(alfa.total).toBe(alfa.subtotal + alfa.tax);
    const park = await t.db.selectFrom('invoice_parks').selectAll().execute();
    expect(park).toHaveLength(1);
  });

  it('R8/R14: the register and the detail follow DESIGN §2 exactly and reconcile to the rupiah', async () => {
    const folder = path.join(out.outDir, '2026-10');
    const register = await readFile(path.join(folder, 'register.csv'), 'utf8');
    // R16: DESIGN §2's header stays a prefix; the credit columns follow it.
    expect(register.split('\n')[0]).toBe(
      'invoice_number,customer_code,customer_name,period,invoice_date,due_date,messages,parts,subtotal,tax,total,status,pdf,detail_csv,credited,open',
    );
    const golden = await readFile(
      new URL('../../golden/register-2026-10.csv', import.meta.url),
      'utf8',
    ).catch(() => null);
    if (process.env.UPDATE_GOLDEN) {
      await (await import('node:fs/promises')).writeFile(
        new URL('../../golden/register-2026-10.csv', import.meta.url),
        register,
      );
    } else {
      // A missing golden fails: it is written only on purpose, with UPDATE_GOLDEN=1.
      if (golden === null)
        throw new Error(
          'test/golden/register-2026-10.csv is missing: run UPDATE_GOLDEN=1 npx vitest run test/billing/invoicing/invoice-month.test.ts',
        );
      expect(register).toBe(golden);
    }
    const rows = await csv(path.join(folder, 'register.csv'));
    const alfa = rows.find((r) => r[1] === 'ALFA')!;
    expect(alfa.slice(3, 6)).toEqual(['2026-10', '2026-11-01', '2026-11-15']);
    const detailFile = path.join(folder, alfa[13]!);
    const detail = await readFile(detailFile, 'utf8');
    const goldenDetail = await readFile(
      new URL('../../golden/detail-alfa-2026-10.csv', import.meta.url),
      'utf8',
    ).catch(() => null);
    if (process.env.UPDATE_GOLDEN) {
      await (await import('node:fs/promises')).writeFile(
        new URL('../../golden/detail-alfa-2026-10.csv', import.meta.url),
        detail,
      );
    } else {
      // A missing golden fails: it is written only on purpose, with UPDATE_GOLDEN=1.
      if (goldenDetail === null)
        throw new Error(
          'test/golden/detail-alfa-2026-10.csv is missing: run UPDATE_GOLDEN=1 npx vitest run test/billing/invoicing/invoice-month.test.ts',
        );
      expect(detail).toBe(goldenDetail);
    }
    const lines = await csv(detailFile);
    expect(lines[0]!.join(',')).toBe(
      'sending_id,sent_at,number,operator,product,status,characters,billable_characters,parts,unit_price,amount',
    );
    // Every message of the period, non-billable ones with amount 0; Σ amount = subtotal.
    expect(lines.slice(1).map((l) => l[0])).toEqual(['2', '5', '6', '7', '3']);
    expect(lines.slice(1).reduce((s, l) => s + Number(l[10]), 0)).toBe(Number(alfa[8]));
    expect(lines[1]![1]).toBe('2026-10-01T00:00:00+07:00');
  });

  it('the detail is safe against spreadsheet formulas and numbers are normalised', async () => {
    const folder = path.join(out.outDir, '2026-10');
    const files = (await readdir(folder)).filter((f) => f.includes('BRAVO') && f.includes('detail'));
    const rows = await csv(path.join(folder, files[0]!));
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
    expect(rows.map((r) => r[2])).toContain('14155550100');
  });

  it('R7: a rerun says already issued, changes no number, amount or file, and re-renders only missing files', async () => {
    const folder = path.join(out.outDir, '2026-10');
    const before = await t.db
      .selectFrom('invoices')
      .select(['id', 'number', 'total'])
      .orderBy('id')
      .execute();
    const pdfName = (await readdir(folder)).find((f) => f.endsWith('ALFA.pdf'))!;
    const pdfBytes = await readFile(path.join(folder, pdfName));
    const detailName = (await readdir(folder)).find((f) => f.includes('ALFA-detail'))!;
    const detailBytes = await readFile(path.join(folder, detailName));
    await rm(path.join(folder, pdfName));
    await rm(path.join(folder, detailName));
    // A late Cancel after the invoice was issued does not change the invoice or its detail (R2).
    await ingestLines(t.pool, [reportLine(5, 5)], 'late.jsonl');
    const again = await run({}, out);
    expect(again.issued).toEqual([]);
    expect(again.alreadyIssued.map((a) => a.customerCode).sort()).toEqual(['ALFA', 'BRAVO']);
    expect(again.filesWritten).toBe(1);
    expect(
      await t.db.selectFrom('invoices').select(['id', 'number', 'total']).orderBy('id').execute(),
    ).toEqual(before);
    expect(await readFile(path.join(folder, pdfName))).toEqual(pdfBytes);
    // The detail shows the late status, but every amount stays as billed (R2: a credit note is separate).
    const withoutStatus = (text: string) =>
      text.split('\n').map((l) =>
        l
          .split(',')
          .filter((_, i) => i !== 5)
          .join(','),
      );
    const rerendered = await readFile(path.join(folder, detailName), 'utf8');
    expect(withoutStatus(rerendered)).toEqual(withoutStatus(detailBytes.toString('utf8')));
    expect(rerendered).toMatch(/^5,.*,cancel,20,20,1,350,350$/m);
  });

  it('--dry-run writes DRAFT documents to a separate folder and nothing to the database', async () => {
    await addCustomers(t.db, ['DRY']);
    await insertMessages(t.db, { customer: 'DRY', count: 5, from: '2026-10-20T00:00:00+07:00' });
    const count = async () =>
      Number(
        (
          await sql<{
            n: number;
          }>`select (select count(*) from invoices) + (select count(*) from invoice_events) + (select count(*) from mail_outbox) as n`.execute(
            t.db,
          )
        ).rows[0]!.n,
      );
    const before = await count();
    const s = await run({ dryRun: true }, out);
    expect(s.issued.map((i) => i.number)).toEqual(['DRAFT-DRY']);
    expect(await count()).toBe(before);
    const folder = path.join(out.outDir, '2026-10', 'dry-run');
    expect(existsSync(path.join(folder, 'register.csv'))).toBe(true);
    expect((await readFile(path.join(folder, 'register.csv'), 'utf8')).split('\n')[1]).toMatch(
      /^DRAFT-DRY,DRY,.*,draft,DRAFT_DRY.pdf,DRAFT_DRY-detail.csv,0,\d+$/,
    );
  });
});

describe('issuing safely', () => {
  it('R7: two runs at once produce one set of invoices with gapless numbers', async () => {
    const codes = Array.from({ length: 6 }, (_, i) => `PAR${i}`);
    await addCustomers(t.db, codes);
    for (const code of codes)
      await insertMessages(t.db, { customer: code, count: 3, from: '2026-09-10T00:00:00+07:00' });
    const out = { ...config, outDir: await tempDir('tagih-par-') };
    const other = await createTestDatabaseFor(t.url);
    const [a, b] = await Promise.all([
      run({ month: '2026-09', issueDate: '2026-10-01' }, out),
      runInvoiceMonth(other, out, {
        month: '2026-09',
        issueDate: '2026-10-01',
        dryRun: false,
        actor: 'clerk',
        holdMail: false,
        now: NOW,
      }),
    ]);
    await other.close();
    const issued = [...a.issued, ...b.issued].map((i) => i.customerCode).sort();
    // ALFA's last September message (30 Sep 23:59:59 WIB) gives it a September invoice too.
    expect(issued).toEqual(['ALFA', ...codes]);
    const numbers = await t.db
      .selectFrom('invoices')
      .select('sequence')
      .where('period', '=', '2026-09-01')
      .orderBy('sequence')
      .execute();
    expect(numbers).toHaveLength(7);
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]!.sequence).toBe(numbers[i - 1]!.sequence + 1);
  });

  it('R7: a run that fails half-way leaves each customer fully invoiced or not at all, and a rerun completes the month without gaps', async () => {
    const codes = ['K1', 'K2', 'K3', 'K4'];
    await addCustomers(t.db, codes);
    for (const code of codes)
      await insertMessages(t.db, { customer: code, count: 2, from: '2026-08-10T00:00:00+07:00' });
    const k3 = await customerId(t.db, 'K3');
    // The process "dies" while issuing K3: its transaction fails after taking a number.
    await sql
      .raw(`create function fail_k3() returns trigger language plpgsql as $$ begin
        if new.customer_id = ${k3} then raise exception 'simulated crash'; end if; return new; end $$;
        create trigger fail_k3 after insert on invoices for each row execute function fail_k3();`)
      .execute(t.db);
    const out = { ...config, outDir: await tempDir('tagih-kill-') };
    await expect(run({ month: '2026-08', issueDate: '2026-09-01' }, out)).rejects.toThrow(/simulated crash/);
    const partial = await t.db
      .selectFrom('invoices')
      .select('customer_id')
      .where('period', '=', '2026-08-01')
      .execute();
    expect(partial.map((p) => p.customer_id)).not.toContain(k3);
    expect(
      await t.db
        .selectFrom('invoice_lines as l')
        .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
        .select('l.invoice_id')
        .where('i.customer_id', '=', k3)
        .execute(),
    ).toEqual([]);
    await sql.raw('drop trigger fail_k3 on invoices; drop function fail_k3();').execute(t.db);
    const rerun = await run({ month: '2026-08', issueDate: '2026-09-01' }, out);
    expect(rerun.issued.length + rerun.alreadyIssued.length).toBe(4);
    const seq = await t.db
      .selectFrom('invoices')
      .select('sequence')
      .where('year', '=', 2026)
      .orderBy('sequence')
      .execute();
    expect(seq.map((s) => s.sequence)).toEqual(seq.map((_, i) => i + 1));
  });
});

async function createTestDatabaseFor(url: string): Promise<Database> {
  const { createDb } = await import('../../../src/db/connect.ts');
  const { db, pool } = createDb(url, 5);
  return { db, pool, safeUrl: 'test', close: () => db.destroy() };
}

describe('large details', () => {
  it('R14: a detail above the configured size is gzipped, on the fly or after, and the register names the .gz', async () => {
    await addCustomers(t.db, ['GZBIG', 'GZSMALL']);
    await insertMessages(t.db, { customer: 'GZBIG', count: 400, from: '2026-06-03T00:00:00+07:00' });
    await insertMessages(t.db, { customer: 'GZSMALL', count: 2, from: '2026-06-03T00:00:00+07:00' });
    const out = { ...config, outDir: await tempDir('tagih-gz-'), detailGzipAboveBytes: 1000 };
    await run({ month: '2026-06', issueDate: '2026-07-01' }, out);
    const folder = path.join(out.outDir, '2026-06');
    const rows = await csv(path.join(folder, 'register.csv'));
    const big = rows.find((r) => r[1] === 'GZBIG')!;
    const small = rows.find((r) => r[1] === 'GZSMALL')!;
    expect(big[13]).toMatch(/_GZBIG-detail\.csv\.gz$/);
    expect(small[13]).toMatch(/_GZSMALL-detail\.csv$/);
    const { gunzipSync } = await import('node:zlib');
    const text = gunzipSync(await readFile(path.join(folder, big[13]!))).toString('utf8');
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(401);
    expect(lines.slice(1).reduce((s, l) => s + Number(l.split(',')[10]), 0)).toBe(Number(big[8]));
    expect(existsSync(path.join(folder, big[13]!.replace(/\.gz$/, '')))).toBe(false);
  });
});
