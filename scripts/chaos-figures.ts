// What `npm run chaos` compares between the clean run and the one under faults: counts and sums a person can read,
// and a digest of each table's rows by their business keys (never by generated ids, which a killed transaction
// consumes, so they differ harmlessly).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import pg from 'pg';

export type Figures = Record<string, string | number>;

const QUERIES: ReadonlyArray<readonly [string, string]> = [
  ['messages', 'select count(*)::text from messages'],
  ['parts', 'select coalesce(sum(parts), 0)::text from messages'],
  ['billable parts', 'select coalesce(sum(parts) filter (where billable), 0)::text from messages'],
  [
    'statuses',
    `select coalesce(string_agg(s || '×' || n, ' ' order by s), '') from (
       select coalesce(delivery_status::text, '-') as s, count(*) as n from messages group by 1) x`,
  ],
  [
    'messages digest',
    `select md5(coalesce(string_agg(m.sending_id || ':' || c.code || ':' || m.parts || ':' || m.sending_status || ':' ||
       coalesce(m.delivery_status::text, '-') || ':' || m.sent_at, ',' order by m.sending_id), ''))
     from messages m join customers c on c.id = m.customer_id`,
  ],
  ['rejected lines', 'select count(*)::text from rejected_lines where resolved_at is null'],
  ['invoices', 'select count(*)::text from invoices'],
  ['numbers', `select coalesce(min(number) || ' … ' || max(number), '') from invoices`],
  [
    'invoices digest',
    `select md5(coalesce(string_agg(i.number || ':' || c.code || ':' || i.messages || ':' || i.parts || ':' || i.subtotal ||
       ':' || i.tax || ':' || i.total || ':' || i.status, ',' order by i.number), ''))
     from invoices i join customers c on c.id = i.customer_id`,
  ],
  ['invoice total', 'select coalesce(sum(total), 0)::text from invoices'],
  ['detail lines', 'select count(*)::text from invoice_lines'],
  ['detail amount', 'select coalesce(sum(amount), 0)::text from invoice_lines'],
  ['detail parts', 'select coalesce(sum(parts), 0)::text from invoice_lines'],
  [
    'outbox',
    `select coalesce(string_agg(kind || '/' || status || '×' || n, ' ' order by kind, status), '') from (
     select kind, status, count(*) as n from mail_outbox group by 1, 2) x`,
  ],
  [
    'outbox digest',
    `select md5(coalesce(string_agg(o.kind || ':' || o.status || ':' || coalesce(c.code, '-') || ':' || coalesce(i.number, '-'),
       ',' order by o.kind, c.code, i.number), ''))
     from mail_outbox o left join customers c on c.id = o.customer_id left join invoices i on i.id = o.invoice_id`,
  ],
  ['runs left running', `select count(*)::text from job_runs where outcome = 'running'`],
];

/** Rows and billable parts of the month's detail files (plain or gzipped), and a digest of the register. */
async function fileFigures(monthDir: string): Promise<Figures> {
  let names: string[];
  try {
    names = (await readdir(monthDir)).sort();
  } catch {
    return { 'register digest': 'missing', 'detail files': 0, 'detail file rows': 0, 'PDF files': 0 };
  }
  let rows = 0;
  let details = 0;
  for (const name of names.filter((n) => /detail.*\.csv(\.gz)?$/i.test(n))) {
    const raw = await readFile(path.join(monthDir, name));
    const text = (name.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    rows += Math.max(0, text.trim().split('\n').length - 1);
    details += 1;
  }
  const register = names.includes('register.csv')
    ? await readFile(path.join(monthDir, 'register.csv'))
    : null;
  return {
    'register digest': register ? createHash('md5').update(register).digest('hex') : 'missing',
    'detail files': details,
    'detail file rows': rows,
    'PDF files': names.filter((n) => n.endsWith('.pdf')).length,
  };
}

export async function chaosFigures(url: string, monthDir: string): Promise<Figures> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const figures: Figures = {};
  try {
    for (const [name, query] of QUERIES) {
      const r = await client.query<Record<string, string>>(query);
      figures[name] = Object.values(r.rows[0] ?? {})[0] ?? '';
    }
  } finally {
    await client.end();
  }
  return { ...figures, ...(await fileFigures(monthDir)) };
}
