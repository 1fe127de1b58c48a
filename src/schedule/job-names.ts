/** The jobs the daemon runs, in the order a catch-up runs them (partitions and usage first, mail last). */
export const JOB_NAMES = [
  'partitions',
  'rollup',
  'settle',
  'invoice',
  'quota',
  'reminders',
  'prepaid',
  'mail',
] as const;

export type JobName = (typeof JOB_NAMES)[number];

export interface JobScheduleDefault {
  /** The configuration key of the job's cron expression. */
  readonly key: string;
  readonly cron: string;
  readonly description: string;
  /**
   * After an outage: 'each' runs once per missed tick, oldest first (a month's invoices or settlement per missed
   * 1st); 'latest' runs once for all of them (a rollup or a mail run covers everything before it).
   */
  readonly catchUp: 'each' | 'latest';
}

/** Issue 6: the default schedule, in Asia/Jakarta time. */
export const JOB_DEFAULTS: Readonly<Record<JobName, JobScheduleDefault>> = {
  partitions: {
    key: 'TAGIH_CRON_PARTITIONS',
    cron: '5 0 * * *',
    description: 'messages partitions of this month and the next two, ahead of their rows (issue 16)',
    catchUp: 'latest',
  },
  rollup: {
    key: 'TAGIH_CRON_ROLLUP',
    cron: '15 0 * * *',
    description: 'daily usage rollup',
    catchUp: 'latest',
  },
  settle: {
    key: 'TAGIH_CRON_SETTLE',
    cron: '30 0 1 * *',
    description: "settlement from deposits of last month's open invoices (R11)",
    catchUp: 'each',
  },
  invoice: {
    key: 'TAGIH_CRON_INVOICE',
    cron: '0 1 1 * *',
    description: 'invoices of the month just ended (R7), then their mail',
    catchUp: 'each',
  },
  quota: { key: 'TAGIH_CRON_QUOTA', cron: '0 * * * *', description: 'quota check (R10)', catchUp: 'latest' },
  reminders: {
    key: 'TAGIH_CRON_REMINDERS',
    cron: '0 8 * * *',
    description: 'payment reminders before and after the due date',
    catchUp: 'latest',
  },
  prepaid: {
    key: 'TAGIH_CRON_PREPAID',
    cron: '30 1 * * *',
    description: 'prepaid balances: forfeiture and its warnings, statements on the 1st (R15)',
    catchUp: 'latest',
  },
  mail: {
    key: 'TAGIH_CRON_MAIL',
    cron: '*/5 * * * *',
    description: 'mail outbox delivery',
    catchUp: 'latest',
  },
};

export function isJobName(s: string): s is JobName {
  return (JOB_NAMES as ReadonlyArray<string>).includes(s);
}
