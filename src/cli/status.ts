import { Command } from 'commander';
import { formatRupiah } from '../domain/money.ts';
import { type RunView, readStatus, type Status } from '../operations/status.ts';
import { formatAtOffset } from '../schedule/timezone.ts';
import { table } from './options.ts';
import { config, printJson, runProgram, withDatabase } from './run-command.ts';

function countsText(counts: unknown): string {
  if (counts === null || typeof counts !== 'object') return '';
  return Object.entries(counts as Record<string, unknown>)
    .filter(([k]) => k !== 'tick')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function printStatus(s: Status, offset: number): void {
  const at = (iso: string | null) => (iso ? formatAtOffset(new Date(iso), offset) : '-');
  const run = (r: RunView | null) => (r ? `${at(r.started_at)} ${r.outcome} (${r.trigger})` : 'never');
  console.log(`tagih status at ${at(s.now)} (schedule in ${s.timezone})`);
  if (s.daemons === 0) console.log("Daemon: not running on this database ('npm start' runs it).\n");
  else if (s.daemons === 1) console.log('Daemon: running.\n');
  else
    console.log(`Daemon: ${s.daemons} running on this database; one is enough (each job still runs once).\n`);
  console.log(
    table(
      ['job', 'schedule', 'last run', 'last success', 'failures', 'next run'],
      s.jobs.map((j) => [
        j.behind ? `${j.job} (behind)` : j.job,
        j.cron ?? 'off',
        run(j.last_run),
        j.last_ok ? at(j.last_ok.started_at) : 'never',
        String(j.failures),
        at(j.next_run),
      ]),
      new Set([4]),
    ),
  );
  for (const j of s.jobs) {
    if (j.last_run?.outcome === 'failed') console.log(`\n${j.job} last failed: ${j.last_run.error ?? ''}`);
    else if (j.last_run?.outcome === 'running')
      console.log(`\n${j.job} running since ${at(j.last_run.started_at)}`);
    if (j.last_ok && countsText(j.last_ok.counts))
      console.log(`${j.job} last success: ${countsText(j.last_ok.counts)}`);
  }
  if (s.jobs.some((j) => j.behind)) {
    console.log(
      '\n(behind) = its latest scheduled run has no successful run: the daemon was down or the job failed. A started daemon catches up.',
    );
  }

  console.log(`\nMail: ${s.mail.pending} pending, ${s.mail.held} held for review, ${s.mail.failed} failed.`);
  for (const f of s.mail.recent_failures) console.log(`  #${f.id} ${f.kind} ${f.subject}: ${f.error ?? ''}`);
  if (s.mail.failed > 0) console.log("  See 'npm run mail -- list --status failed' and retry from there.");

  for (const u of s.unpartitioned)
    console.log(
      `\nMessages of ${u.month} without a partition: ${u.rows}, kept in messages_default; the partitions job (daily) moves them into their month.`,
    );
  console.log(`\nSuspended accounts: ${s.suspended.length}`);
  for (const x of s.suspended) console.log(`  ${x.customer_code}: ${x.reason} since ${at(x.since)}`);

  console.log(`\nPrepaid accounts at zero or forfeiting within 30 days: ${s.prepaid.length}`);
  for (const p of s.prepaid)
    console.log(
      `  ${p.customer_code}: ${formatRupiah(p.balance)}${p.forfeit_on ? `, forfeits ${p.forfeit_on} (${p.forfeit_cause})` : ''}`,
    );

  console.log(`\nOpen invoices past their due date: ${s.past_due.length}`);
  if (s.past_due.length > 0) {
    console.log(
      table(
        ['invoice', 'customer', 'due', 'days over', 'open'],
        s.past_due.map((i) => [
          i.invoice_number,
          i.customer_code,
          i.due_date,
          String(i.days_overdue),
          formatRupiah(i.open),
        ]),
        new Set([3, 4]),
      ),
    );
  }
}

const program = new Command('status')
  .description(
    "What the scheduler did and will do: each job's last run and outcome, next run and failures; pending and failed mail; suspended accounts; open invoices past due",
  )
  .option('--json', 'print the status as JSON')
  .action(async (opts: { json?: boolean }) => {
    const cfg = config();
    const status = await withDatabase(cfg, ({ database }) => readStatus(database.db, cfg, new Date()));
    if (opts.json) printJson(status);
    else printStatus(status, cfg.timezoneOffsetMinutes);
  });

await runProgram(program);
