// R15: the monthly statements of prepaid accounts (LAPORAN SALDO): PDF + detail CSV, mailed through the outbox.
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { to as copyTo } from 'pg-copy-streams';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/connect.ts';
import { renderPrepaidPdf } from '../../documents/prepaid-pdf.ts';
import { writeFileAtomic } from '../../documents/write-atomic.ts';
import { formatDateId, monthLabelId } from '../../domain/indonesian-dates.ts';
import { formatRupiah } from '../../domain/money.ts';
import { firstDayOf, lastDayOf, nextMonth } from '../../domain/period.ts';
import { queueMail } from '../../mail/outbox.ts';
import { statementPaths } from './prepaid-paths.ts';
import { type StatementFigures, statementDetailSql, statementFigures } from './statement-figures.ts';

export interface StatementSummary {
  readonly month: string;
  readonly issued: ReadonlyArray<{
    readonly customer_code: string;
    readonly closing: number;
    readonly pdf: string;
  }>;
  readonly already: number;
}

type Customer = { id: number; code: string; name: string; address: string | null; npwp: string | null };

function pdfRows(f: StatementFigures) {
  return [
    { id: 'Saldo awal', en: 'Opening balance', value: f.opening },
    { id: 'Top-up', en: 'Top-ups', value: f.topups },
    { id: 'Pemakaian', en: 'Usage', value: -f.usage },
    { id: 'Pengembalian (Cancel/Reject)', en: 'Give-backs', value: f.givebacks },
    { id: 'Saldo hangus', en: 'Forfeited', value: -f.forfeits },
    { id: 'Saldo akhir', en: 'Closing balance', value: f.closing, strong: true },
    { id: 'Masa aktif sampai', en: 'Valid until', value: f.expiresOn ? formatDateId(f.expiresOn) : '–' },
  ];
}

async function writeStatement(database: Database, config: Config, c: Customer, f: StatementFigures) {
  const paths = statementPaths(c.code, f.month);
  const pdf = await renderPrepaidPdf({
    titleId: 'LAPORAN SALDO',
    titleEn: 'Balance statement',
    reference: monthLabelId(f.month),
    date: firstDayOf(nextMonth(f.month)),
    seller: config.company,
    buyer: c,
    rows: pdfRows(f),
    table: {
      headers: ['Produk / operator', 'Pesan', 'Part', 'Dibayar', 'Kekurangan'],
      rows: f.lines.map((l) => [
        `${l.product} / ${l.operator}`,
        String(l.messages),
        String(l.parts),
        formatRupiah(l.charged),
        formatRupiah(l.shortfall),
      ]),
    },
    notes: [
      `Periode ${formatDateId(firstDayOf(f.month))} – ${formatDateId(lastDayOf(f.month))}. Saldo awal − pemakaian + pengembalian + top-up − hangus = saldo akhir.`,
      'Kekurangan: bagian pesan yang tidak tertutup saldo (saldo berhenti di nol). Rincian per pesan ada di CSV terlampir.',
    ],
  });
  await writeFileAtomic(path.join(config.outDir, paths.pdf), pdf);
  const csv = path.join(config.outDir, paths.csv);
  await mkdir(path.dirname(csv), { recursive: true });
  const client = await database.pool.connect();
  try {
    await pipeline(client.query(copyTo(statementDetailSql(c.id, f.month))), createWriteStream(`${csv}.tmp`));
    await rename(`${csv}.tmp`, csv);
  } finally {
    client.release();
  }
  return paths;
}

/**
 * R15: a statement for `month` for every prepaid account with activity in it or a balance at its end; once each
 * (the mail's subject key is the account and month: a rerun finds it queued and writes nothing).
 */
export async function issueStatements(
  database: Database,
  config: Config,
  month: string,
): Promise<StatementSummary> {
  const db = database.db;
  const customers = await db
    .selectFrom('customers as c')
    .innerJoin('prepaid_accounts as a', 'a.customer_id', 'c.id')
    .select(['c.id', 'c.code', 'c.name', 'c.address', 'c.npwp'])
    .orderBy('c.code')
    .execute();
  const issued: Array<StatementSummary['issued'][number]> = [];
  let already = 0;
  for (const c of customers) {
    const key = `statement:${c.id}:${month}` as const;
    const queued = await db
      .selectFrom('mail_outbox')
      .select('id')
      .where('kind', '=', 'prepaid_statement')
      .where('subject_key', '=', key)
      .executeTakeFirst();
    if (queued) {
      already += 1;
      continue;
    }
    const f = await statementFigures(db, c.id, month);
    const active = f.topups + f.usage + f.givebacks + f.forfeits > 0 || f.lines.length > 0;
    if (!active && f.closing === 0) continue;
    const paths = await writeStatement(database, config, c, f);
    await queueMail(db, {
      kind: 'prepaid_statement',
      subjectKey: key,
      customerId: c.id,
      payload: {
        month,
        opening: f.opening,
        closing: f.closing,
        expires_on: f.expiresOn,
        files: [paths.pdf, paths.csv],
      },
    });
    issued.push({ customer_code: c.code, closing: f.closing, pdf: path.join(config.outDir, paths.pdf) });
  }
  return { month, issued, already };
}
