import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type pg from 'pg';
import { saveCustomers } from '../../src/customers/save-customers.ts';
import type { Db } from '../../src/db/connect.ts';
import { type IngestSummary, ingestLogs } from '../../src/ingest/ingest-log.ts';
import { logSource } from '../../src/ingest/read-lines.ts';

export async function tempDir(prefix = 'tagih-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Adds customers with a deposit each (default Rp 10.000.000). */
export async function addCustomers(
  db: Db,
  codes: ReadonlyArray<string>,
  deposit = 10_000_000,
  today = '2026-09-01',
): Promise<void> {
  await saveCustomers(
    db,
    codes.map((code, i) => ({
      row: i + 2,
      customer: {
        code,
        name: `PT ${code} Indonesia`,
        emails: [`billing@${code.toLowerCase()}.example.id`],
        deposit,
        address: `Jl. Contoh No. ${i + 1}, Jakarta`,
        npwp: null,
        paperInvoice: false,
        quotaOverride: null,
      },
    })),
    today,
    'opening deposit',
  );
}

export interface SendLine {
  readonly customer: string;
  readonly sendingid: number;
  readonly number?: string;
  readonly message?: string;
  readonly sent_at: string;
  readonly sendingstatus?: number;
  readonly product?: string;
}

export function sendLine(s: SendLine): string {
  return JSON.stringify({ number: '081234567890', message: 'Kode OTP Anda 123456', ...s });
}

export function reportLine(sendingid: number, deliverystatus: number): string {
  return JSON.stringify({
    status_respon: [
      { sendingid, number: '6281234567890', deliverystatus: String(deliverystatus), deliverystatustext: 'x' },
    ],
  });
}

let logDir: string | null = null;

/** Writes lines to a JSONL file (the same path for the same name, as a gateway's log file) and ingests it. */
export async function ingestLines(
  pool: pg.Pool,
  lines: ReadonlyArray<string>,
  name = 'log.jsonl',
): Promise<IngestSummary> {
  logDir ??= await tempDir();
  const dir = logDir;
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return ingestLogs(pool, [logSource(file)], { storeMessageText: false });
}

export async function customerId(db: Db, code: string): Promise<number> {
  return (await db.selectFrom('customers').select('id').where('code', '=', code).executeTakeFirstOrThrow())
    .id;
}

let nextSendingId = 10_000_000;

/**
 * Inserts `count` accepted messages of `parts` parts each straight into the table (for volumes a test could not
 * ingest quickly), spread one second apart from `from`.
 */
export async function insertMessages(
  db: Db,
  m: {
    readonly customer: string;
    readonly count: number;
    readonly parts?: number;
    readonly operator?: string;
    readonly product?: string;
    readonly from: string;
    readonly deliveryStatus?: number | null;
    readonly sendingStatus?: number;
  },
): Promise<void> {
  const id = await customerId(db, m.customer);
  const parts = m.parts ?? 1;
  const first = nextSendingId;
  nextSendingId += m.count;
  await sql`
    insert into messages (sending_id, customer_id, product, number, operator, sent_at, sending_status, delivery_status,
      characters, billable_characters, parts, content_hash)
    select ${first}::bigint + g, ${id}, ${m.product ?? 'whatsapp_otp'}, '62812' || lpad(g::text, 8, '0'), ${m.operator ?? 'telkomsel'},
      ${m.from}::timestamptz + make_interval(secs => g), ${m.sendingStatus ?? 10}, ${m.deliveryStatus ?? 3}::smallint,
      ${parts * 1000 - 500}, ${parts * 1000 - 500}, ${m.sendingStatus === undefined || m.sendingStatus === 10 ? parts : 0},
      '\\x00'::bytea
    from generate_series(0, ${m.count - 1}) as g
  `.execute(db);
}
