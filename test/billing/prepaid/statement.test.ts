import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forfeitBalance } from '../../../src/billing/prepaid/forfeit.ts';
import { statementFigures } from '../../../src/billing/prepaid/statement-figures.ts';
import { issueStatements } from '../../../src/billing/prepaid/statements.ts';
import { recordTopup } from '../../../src/billing/prepaid/top-up.ts';
import { loadConfig } from '../../../src/config.ts';
import { firstDayOf, lastDayOf, previousMonth, wibDateOf } from '../../../src/domain/period.ts';
import { addMonths } from '../../../src/domain/prepaid.ts';
import { databaseOf } from '../../mail/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { customerId, ingestLines, reportLine, sendLine, tempDir } from '../../support/fixtures.ts';
import { addPrepaidCustomers } from './support.ts';

let t: TestDatabase;
// The ledger dates usage by the day it is ingested (today), so the statement is of the current WIB month.
const today = wibDateOf(new Date());
const month = today.slice(0, 7);
beforeAll(async () => {
  t = await createTestDatabase();
  await addPrepaidCustomers(t.db, ['STMT', 'IDLE']);
  await recordTopup(t.db, { customerCode: 'STMT', amount: 2_000_000, date: today }); // 330 a part
  await ingestLines(
    t.pool,
    [
      sendLine({ customer: 'STMT', sendingid: 1, sent_at: `${today}T08:00:00+07:00` }),
      sendLine({
        customer: 'STMT',
        sendingid: 2,
        sent_at: `${today}T08:01:00+07:00`,
        message: 'a'.repeat(2001),
      }),
      sendLine({
        customer: 'STMT',
        sendingid: 3,
        sent_at: `${today}T08:02:00+07:00`,
        number: '0857 1234 5678',
      }),
    ],
    'stmt.jsonl',
  );
  await ingestLines(t.pool, [reportLine(3, 5)], 'stmt-cancel.jsonl');
});
afterAll(async () => t.close());

describe('R15: the monthly statement (LAPORAN SALDO)', () => {
  it('R15: opening − usage + give-backs + top-ups − forfeits = closing, in the figures and in the detail CSV', async () => {
    const id = await customerId(t.db, 'STMT');
    await t.db.transaction().execute((trx) => forfeitBalance(trx, id, today, 'closure', 100_000));
    const f = await statementFigures(t.db, id, month);
    expect(f).toMatchObject({
      opening: 0,
      topups: 2_000_000,
      usage: 5 * 330,
      givebacks: 330,
      forfeits: 100_000,
    });
    expect(f.closing).toBe(f.opening - f.usage + f.givebacks + f.topups - f.forfeits);
    expect(f.lines).toEqual([
      { product: 'whatsapp_otp', operator: 'indosat', messages: 1, parts: 1, charged: 330, shortfall: 0 },
      { product: 'whatsapp_otp', operator: 'telkomsel', messages: 2, parts: 4, charged: 1320, shortfall: 0 },
    ]);

    const config = { ...loadConfig({}), outDir: await tempDir('tagih-stmt-') };
    const run = await issueStatements(databaseOf(t), config, month);
    // IDLE has no activity and no balance: no statement.
    expect(run.issued.map((s) => s.customer_code)).toEqual(['STMT']);
    const csv: Array<Record<string, string>> = parse(
      await readFile(path.join(config.outDir, 'prepaid', 'STMT', `LAPORAN-SALDO-${month}.csv`), 'utf8'),
      { columns: true },
    );
    expect(csv.map((r) => r.kind)).toEqual([
      'opening',
      'topup',
      'forfeit',
      'usage',
      'usage',
      'usage',
      'giveback',
      'closing',
    ]);
    const opening = Number(csv[0]!.amount);
    const moves = csv.slice(1, -1).reduce((s, r) => s + Number(r.amount), 0);
    expect(opening + moves).toBe(Number(csv.at(-1)!.amount));
    expect(Number(csv.at(-1)!.amount)).toBe(f.closing);
    expect(csv.find((r) => r.sending_id === '2')).toMatchObject({
      parts: '3',
      unit_price: '330',
      amount: '-990',
    });

    const text = (await new PDFParse({ data: await readFile(run.issued[0]!.pdf) }).getText()).text;
    expect(text).toContain('LAPORAN SALDO');
    expect(text).toContain('Saldo akhir');
    const mail = await t.db
      .selectFrom('mail_outbox')
      .select(['payload'])
      .where('kind', '=', 'prepaid_statement')
      .execute();
    expect(mail).toHaveLength(1);
    expect((await issueStatements(databaseOf(t), config, month)).issued).toEqual([]);
  });

  it("R15: a statement issued after a later top-up shows the month's own masa aktif", async () => {
    await addPrepaidCustomers(t.db, ['LATE']);
    const earlier = previousMonth(month);
    const id = await customerId(t.db, 'LATE');
    await recordTopup(t.db, { customerCode: 'LATE', amount: 100_000, date: firstDayOf(earlier) });
    await recordTopup(t.db, { customerCode: 'LATE', amount: 100_000, date: lastDayOf(earlier) });
    await recordTopup(t.db, { customerCode: 'LATE', amount: 100_000, date: today });
    expect((await statementFigures(t.db, id, earlier)).expiresOn).toBe(addMonths(lastDayOf(earlier), 12));
    expect((await statementFigures(t.db, id, month)).expiresOn).toBe(addMonths(today, 12));
  });
});
