// What each job keeps in job_runs.counts: the same facts from the daemon and from a run by hand
// (recordJobRun(database, 'settle', 'manual', fn, { countsOf: settleCounts })).

import type { SettlementSummary } from '../billing/deposit/settle.ts';
import type { InvoiceRunSummary } from '../billing/invoicing/invoice-month.ts';
import type { ReminderSummary } from '../billing/payments/reminders.ts';
import type { QuotaCheckSummary } from '../billing/quota/quota.ts';
import type { RollupSummary } from '../billing/quota/rollup.ts';
import type { SendSummary } from '../mail/send-mail.ts';
import type { JobCounts } from './job-runs.ts';

export function rollupCounts(s: RollupSummary): JobCounts {
  return { days: s.days, rows: s.rows };
}

export function settleCounts(s: SettlementSummary): JobCounts {
  return {
    as_of: s.as_of,
    invoice_month: s.invoice_month,
    invoices: s.invoices.length,
    deducted_total: s.deducted_total,
    suspended: s.suspended.length,
    held: s.held.length,
  };
}

export function invoiceCounts(s: InvoiceRunSummary): JobCounts {
  return {
    month: s.month,
    issue_date: s.issueDate,
    issued: s.issued.length,
    already_issued: s.alreadyIssued.length,
    parked: s.parked.length,
    no_usage: s.skipped.length,
    total: s.totals.total,
    files_written: s.filesWritten,
  };
}

export function quotaCounts(s: QuotaCheckSummary): JobCounts {
  return {
    month: s.month,
    customers: s.customers.length,
    warned: s.customers.filter((c) => c.warned_now).length,
    suspended: s.customers.filter((c) => c.suspended_now).length,
    lifted: s.customers.filter((c) => c.lifted_now !== null).length,
    problems: s.customers.filter((c) => c.problem !== null).length,
  };
}

export function reminderCounts(s: ReminderSummary): JobCounts {
  return { before_due: s.beforeDue, overdue: s.overdue };
}

export function mailCounts(s: SendSummary): JobCounts {
  return { sent: s.sent, failed: s.failed, retrying: s.retrying };
}
