import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInvoiceMonth } from '../../src/billing/invoicing/invoice-month.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { saveCustomers } from '../../src/customers/save-customers.ts';
import type { Database } from '../../src/db/connect.ts';
import { ingestLogs } from '../../src/ingest/ingest-log.ts';
import { logSource } from '../../src/ingest/read-lines.ts';
import type { TestDatabase } from '../support/database.ts';

export const FINANCE_CC = 'finance@tagih.test';
export const FINANCE_BCC = 'audit@tagih.test';

/** A Database over a test's own database (closing it is the test's job). */
export function databaseOf(t: TestDatabase): Database {
  return { db: t.db, pool: t.pool, safeUrl: t.url, close: async () => {} };
}

/** Settings for a test: its own out folder, a finance copy, SMTP as given (null: .eml files). */
export async function testConfig(smtpUrl: string | null, overrides: Partial<Config> = {}): Promise<Config> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'tagih-mail-'));
  const base = loadConfig(
    {
      TAGIH_OUT: outDir,
      TAGIH_FINANCE_CC: FINANCE_CC,
      TAGIH_FINANCE_BCC: FINANCE_BCC,
      TAGIH_COMPANY_NAME: 'PT Adsmidia Digital Indonesia',
    },
    outDir,
  );
  return { ...base, smtpUrl, ...overrides };
}

export interface TestCustomer {
  readonly code: string;
  readonly name: string;
  readonly emails: ReadonlyArray<string>;
  /** WhatsApp OTP messages sent in October 2026. */
  readonly messages: number;
}

let nextSendingId = 1_000_000;

/** Customers with a deposit and October 2026 traffic, loaded through the real ingest. */
export async function customersWithTraffic(
  t: TestDatabase,
  customers: ReadonlyArray<TestCustomer>,
): Promise<void> {
  await saveCustomers(
    t.db,
    customers.map((c, i) => ({
      row: i + 1,
      customer: {
        code: c.code,
        name: c.name,
        emails: c.emails,
        deposit: 10_000_000,
        address: 'Jl. Pemuda No. 1, Semarang',
        npwp: null,
        paperInvoice: false,
        quotaOverride: null,
      },
    })),
    '2026-09-01',
    'opening deposit',
  );
  const lines: string[] = [];
  for (const c of customers) {
    for (let i = 0; i < c.messages; i++) {
      lines.push(
        JSON.stringify({
          customer: c.code,
          sendingid: nextSendingId++,
          number: `0812345${String(i % 10000).padStart(5, '0')}`,
          message: `Kode OTP Anda ${String(100000 + i)}`,
          sent_at: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T10:11:12+07:00`,
          sendingstatus: 10,
        }),
      );
    }
  }
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'tagih-log-')), 'gateway.jsonl');
  await writeFile(file, `${lines.join('\n')}\n`);
  await ingestLogs(t.pool, [logSource(file)], { storeMessageText: false });
}

/** The October 2026 invoice run, issued on 1 November, mail not held. */
export async function invoiceOctober(t: TestDatabase, config: Config) {
  return runInvoiceMonth(databaseOf(t), config, {
    month: '2026-10',
    issueDate: '2026-11-01',
    dryRun: false,
    actor: 'test',
    holdMail: false,
    now: new Date('2026-11-01T02:00:00Z'),
  });
}

/** The clock `minutes` from now (rows are queued at the database's now()). */
export const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * 60_000);
