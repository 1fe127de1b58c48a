import { monthLabelId } from '../domain/indonesian-dates.ts';
import { nextMonth } from '../domain/period.ts';
import type { ReviewInvoice, ReviewMonth } from './load-review-month.ts';
import {
  changeOf,
  MAIL_LABELS,
  PAYMENT_LABELS,
  parts,
  rupiah,
  STATE_LABELS,
  shortDate,
  shortMonth,
} from './review-labels.ts';
import type { ReviewSettings } from './review-settings.ts';
import {
  rowState,
  SHOW_FILTERS,
  type ShowFilter,
  type SortKey,
  selectRows,
  type TableQuery,
} from './review-table.ts';

const COLUMNS: ReadonlyArray<{ key: SortKey; id: string; en: string; numeric: boolean }> = [
  { key: 'customer', id: 'Pelanggan', en: 'Customer · invoice', numeric: false },
  { key: 'parts', id: 'Bagian', en: 'Parts', numeric: true },
  { key: 'subtotal', id: 'Penggantian', en: 'Subtotal', numeric: true },
  { key: 'tax', id: 'PPN', en: 'VAT', numeric: true },
  { key: 'total', id: 'Total', en: '', numeric: true },
  { key: 'due', id: 'Jatuh tempo', en: 'Due', numeric: false },
  { key: 'state', id: 'Status', en: 'Invoice', numeric: false },
  { key: 'mail', id: 'Surel', en: 'Mail', numeric: false },
  { key: 'flags', id: 'Tanda', en: 'Flags', numeric: false },
];

const SHOW_LABELS: Readonly<Record<ShowFilter, { id: string; en: string }>> = {
  all: { id: 'Semua', en: 'All' },
  flagged: { id: 'Ditandai', en: 'Flagged' },
  pending: { id: 'Menunggu', en: 'Pending' },
  held: { id: 'Ditahan', en: 'Held' },
  approved: { id: 'Disetujui', en: 'Approved' },
  void: { id: 'Batal', en: 'Void' },
};

function queryString(q: TableQuery, change: Partial<TableQuery>): string {
  const next = { ...q, ...change };
  const params = new URLSearchParams();
  params.set('sort', next.sort);
  params.set('dir', next.dir);
  if (next.show !== 'all') params.set('show', next.show);
  if (next.q) params.set('q', next.q);
  return `?${params.toString()}`;
}

function countOf(rows: ReadonlyArray<ReviewInvoice>, show: ShowFilter): number {
  return show === 'all'
    ? rows.length
    : show === 'flagged'
      ? rows.filter((r) => r.flags.length > 0).length
      : rows.filter((r) => rowState(r) === show).length;
}

function rowView(i: ReviewInvoice) {
  const state = rowState(i);
  const mail = i.mailStatus ?? 'none';
  const payment = i.status !== 'issued' && i.status !== 'void' ? PAYMENT_LABELS[i.status] : undefined;
  return {
    id: i.id,
    number: i.number,
    customerCode: i.customerCode,
    customerName: i.customerName,
    final: i.kind === 'final',
    parts: parts(i.parts),
    subtotal: rupiah(i.subtotal),
    tax: rupiah(i.tax),
    total: rupiah(i.total),
    dueDate: shortDate(i.dueDate),
    state,
    stateLabel: STATE_LABELS[state],
    payment: payment ?? null,
    note: state === 'held' ? i.reviewNote : state === 'void' ? i.voidReason : null,
    mailState: mail,
    mailLabel: MAIL_LABELS[mail],
    flags: i.flags,
    flagged: i.flags.length > 0,
    selectable: state === 'pending' || state === 'held',
    pending: state === 'pending',
    replacedBy: i.replacedByNumber,
    replaces: i.replacesNumber,
  };
}

export interface MonthPageContext {
  readonly csrf: string;
  readonly settings: ReviewSettings;
  readonly query: TableQuery;
}

/** The table's column heads: a click sorts by the column, a second click turns the order round. */
function columnHeadsOf(q: TableQuery) {
  return COLUMNS.map((c) => {
    const active = q.sort === c.key;
    const dir = active ? (q.dir === 'asc' ? 'desc' : 'asc') : c.numeric || c.key === 'flags' ? 'desc' : 'asc';
    return {
      key: c.key,
      id: c.id,
      en: c.en,
      numeric: c.numeric,
      href: queryString(q, { sort: c.key, dir }),
      arrow: active ? (q.dir === 'asc' ? '▲' : '▼') : '',
      ariaSort: active ? (q.dir === 'asc' ? 'ascending' : 'descending') : 'none',
    };
  });
}

/** The view of the month page: summary, customers not invoiced, and the sorted, filtered invoice table. */
export function monthView(m: ReviewMonth, ctx: MonthPageContext) {
  const q = ctx.query;
  const rows = selectRows(m.invoices, q);
  const live = rows.filter((r) => r.status !== 'void');
  const sum = (k: 'subtotal' | 'tax' | 'total') => live.reduce((s, r) => s + r[k], 0);
  const pending = m.invoices.filter((i) => rowState(i) === 'pending');
  const unflaggedPending = pending.filter((i) => i.flags.length === 0);
  const money = (id: string, en: string, cur: number, prev: number) => ({
    id,
    en,
    value: rupiah(cur),
    previous: rupiah(prev),
    change: changeOf(cur, prev),
  });
  return {
    month: m.month,
    monthLabel: monthLabelId(m.month),
    prevMonth: m.previousMonth,
    prevMonthLabel: shortMonth(m.previousMonth),
    nextMonth: nextMonth(m.month),
    nextMonthLabel: shortMonth(nextMonth(m.month)),
    previousLabel: monthLabelId(m.previousMonth),
    counts: {
      issued: m.totals.count,
      previousIssued: m.previousTotals.count,
      pending: pending.length,
      flagged: m.invoices.filter((i) => i.flags.length > 0).length,
      parked: m.parked.length,
      skipped: m.skipped.length,
      voided: m.invoices.filter((i) => i.status === 'void').length,
      withFaktur: m.fakturNumbers.with,
      withoutFaktur: m.fakturNumbers.without,
    },
    amounts: [
      money('Penggantian', 'Subtotal', m.totals.subtotal, m.previousTotals.subtotal),
      money('PPN', 'VAT', m.totals.tax, m.previousTotals.tax),
      money('Total', '', m.totals.total, m.previousTotals.total),
    ],
    attention: [...m.parked, ...m.stopped].map((n) => ({
      customerCode: n.customerCode,
      customerName: n.customerName,
      flag: n.flag,
    })),
    hasAttention: m.parked.length + m.stopped.length > 0,
    skippedCodes: m.skipped.join(', '),
    hasSkipped: m.skipped.length > 0,
    filters: SHOW_FILTERS.map((show) => ({
      href: queryString(q, { show }),
      label: SHOW_LABELS[show],
      count: countOf(m.invoices, show),
      active: q.show === show,
    })),
    query: q,
    isDefaultShow: q.show === 'all',
    columns: columnHeadsOf(q),
    rows: rows.map(rowView),
    hasRows: rows.length > 0,
    shownCount: rows.length,
    totalCount: m.invoices.length,
    footer: { subtotal: rupiah(sum('subtotal')), tax: rupiah(sum('tax')), total: rupiah(sum('total')) },
    unflaggedPendingCount: unflaggedPending.length,
    // R16: the same list as 'npm run corrections -- --month', for finance to decide on credit notes.
    corrections: m.corrections.map((c) => ({
      customerCode: c.customer_code,
      invoiceNumber: c.invoice_number,
      what: c.kind === 'late_cancel' ? 'Cancel/Reject terlambat' : 'Catatan terlambat (tidak ditagih)',
      line: `${c.product}/${c.operator}`,
      messages: c.messages,
      parts: c.parts,
      value: c.value === null ? '—' : rupiah(c.value),
      credited: c.credited_parts,
    })),
    hasCorrections: m.corrections.length > 0,
    csrf: ctx.csrf,
    thresholds: {
      usageFactor: String(ctx.settings.usageFactor).replace('.', ','),
      otherSharePercent: ctx.settings.otherSharePercent,
      total: rupiah(ctx.settings.totalThreshold),
    },
  };
}
