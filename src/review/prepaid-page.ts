// R15: the view of the review page's prepaid tab (values only: Mustache escapes them in templates/review/prepaid.mustache).
import { monthLabelId } from '../domain/indonesian-dates.ts';
import { nextMonth, previousMonth } from '../domain/period.ts';
import type { ForfeitCause, PrepaidMonth, PrepaidStatementRow } from './load-prepaid-month.ts';
import { type Label, MAIL_LABELS, rupiah, shortDate, shortMonth } from './review-labels.ts';

export const FORFEIT_LABELS: Readonly<Record<ForfeitCause, Label>> = {
  expiry: { id: 'Masa aktif habis', en: 'Expired' },
  inactivity: { id: 'Tidak aktif 6 bulan', en: 'Dormant 6 months' },
  closure: { id: 'Akun ditutup', en: 'Account closed' },
};

const sum = <T>(rows: ReadonlyArray<T>, of: (r: T) => number): string =>
  rupiah(rows.reduce((s, r) => s + of(r), 0));

function mail(status: string | null) {
  const state = status ?? 'none';
  return { mailState: state, mailLabel: MAIL_LABELS[state] ?? { id: state, en: state } };
}

function statementRow(s: PrepaidStatementRow) {
  return {
    customerId: s.customerId,
    customerCode: s.customerCode,
    customerName: s.customerName,
    opening: rupiah(s.opening),
    usage: rupiah(s.usage),
    givebacks: rupiah(s.givebacks),
    topups: rupiah(s.topups),
    forfeits: rupiah(s.forfeits),
    closing: rupiah(s.closing),
    // The ledger took entries dated into the month after the statement went out: finance sees both figures.
    changed: s.closing !== s.mailedClosing ? rupiah(s.mailedClosing) : null,
    expiresOn: s.expiresOn ? shortDate(s.expiresOn) : '—',
    ...mail(s.mailStatus),
    pdf: s.pdf !== null,
    csv: s.csv !== null,
  };
}

function statementTotals(rows: ReadonlyArray<PrepaidStatementRow>) {
  return {
    opening: sum(rows, (r) => r.opening),
    usage: sum(rows, (r) => r.usage),
    givebacks: sum(rows, (r) => r.givebacks),
    topups: sum(rows, (r) => r.topups),
    forfeits: sum(rows, (r) => r.forfeits),
    closing: sum(rows, (r) => r.closing),
  };
}

/** The prepaid tab of `m.month`: top-ups, forfeitures and statements, each with its totals. */
export function prepaidView(m: PrepaidMonth) {
  const { topups, forfeits, statements } = m;
  return {
    month: m.month,
    monthLabel: monthLabelId(m.month),
    prevMonth: previousMonth(m.month),
    prevMonthLabel: shortMonth(previousMonth(m.month)),
    nextMonth: nextMonth(m.month),
    nextMonthLabel: shortMonth(nextMonth(m.month)),
    hasActivity: topups.length + forfeits.length + statements.length + m.withoutStatement.length > 0,
    topups: topups.map((t) => ({
      id: t.id,
      date: shortDate(t.date),
      customerCode: t.customerCode,
      customerName: t.customerName,
      number: t.number,
      amount: rupiah(t.amount),
      tax: rupiah(t.tax),
      total: rupiah(t.total),
      pricePerPart: rupiah(t.pricePerPart),
      ...mail(t.mailStatus),
      pdf: t.pdf !== null,
    })),
    hasTopups: topups.length > 0,
    topupTotals: {
      count: topups.length,
      amount: sum(topups, (t) => t.amount),
      tax: sum(topups, (t) => t.tax),
      total: sum(topups, (t) => t.total),
    },
    forfeits: forfeits.map((f) => ({
      date: shortDate(f.date),
      customerCode: f.customerCode,
      customerName: f.customerName,
      amount: rupiah(f.amount),
      cause: f.cause,
      causeLabel: FORFEIT_LABELS[f.cause as ForfeitCause] ?? { id: f.cause, en: '' },
    })),
    hasForfeits: forfeits.length > 0,
    forfeitTotals: { count: forfeits.length, amount: sum(forfeits, (f) => f.amount) },
    statements: statements.map(statementRow),
    hasStatements: statements.length > 0,
    statementTotals: { count: statements.length, ...statementTotals(statements) },
    withoutStatement: m.withoutStatement.join(', '),
    hasWithoutStatement: m.withoutStatement.length > 0,
  };
}
