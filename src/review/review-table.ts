import type { ReviewState } from '../db/schema.ts';
import type { ReviewInvoice } from './load-review-month.ts';

// Sorting and filtering of the month's table from plain query parameters, so it works without JavaScript.

export const SORT_KEYS = [
  'flags',
  'number',
  'customer',
  'parts',
  'subtotal',
  'tax',
  'total',
  'due',
  'state',
  'mail',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const SHOW_FILTERS = ['all', 'flagged', 'pending', 'held', 'approved', 'void'] as const;
export type ShowFilter = (typeof SHOW_FILTERS)[number];

export interface TableQuery {
  readonly sort: SortKey;
  readonly dir: 'asc' | 'desc';
  readonly show: ShowFilter;
  /** Text to find in the customer's code or name, or the invoice number. */
  readonly q: string;
}

export const DEFAULT_TABLE_QUERY: TableQuery = { sort: 'flags', dir: 'desc', show: 'all', q: '' };

function oneOf<T extends string>(list: ReadonlyArray<T>, value: string | null, fallback: T): T {
  return value !== null && (list as ReadonlyArray<string>).includes(value) ? (value as T) : fallback;
}

/** Reads ?sort=&dir=&show=&q=; anything unknown falls back to the default (flagged first). */
export function parseTableQuery(params: URLSearchParams): TableQuery {
  const sort = oneOf(SORT_KEYS, params.get('sort'), DEFAULT_TABLE_QUERY.sort);
  const defaultDir = sort === 'flags' || sort === 'total' || sort === 'subtotal' ? 'desc' : 'asc';
  return {
    sort,
    dir: oneOf(['asc', 'desc'] as const, params.get('dir'), defaultDir),
    show: oneOf(SHOW_FILTERS, params.get('show'), DEFAULT_TABLE_QUERY.show),
    q: (params.get('q') ?? '').trim().slice(0, 100),
  };
}

const STATE_ORDER: Readonly<Record<string, number>> = { held: 0, pending: 1, approved: 2, void: 3 };
const MAIL_ORDER: Readonly<Record<string, number>> = {
  failed: 0,
  held: 1,
  pending: 2,
  sent: 3,
  cancelled: 4,
};

/** The state the page shows: void wins over the review state; the page says 'pending' for 'awaiting_review'. */
export function pageState(status: string, review: ReviewState): 'held' | 'pending' | 'approved' | 'void' {
  if (status === 'void') return 'void';
  return review === 'awaiting_review' ? 'pending' : review;
}

/** The state the table shows. */
export function rowState(i: ReviewInvoice): 'held' | 'pending' | 'approved' | 'void' {
  return pageState(i.status, i.reviewState);
}

function sortValue(i: ReviewInvoice, key: SortKey): number | string {
  switch (key) {
    case 'flags':
      return i.flags.length;
    case 'number':
      return i.number;
    case 'customer':
      return i.customerCode.toLowerCase();
    case 'parts':
      return i.parts;
    case 'subtotal':
      return i.subtotal;
    case 'tax':
      return i.tax;
    case 'total':
      return i.total;
    case 'due':
      return i.dueDate;
    case 'state':
      return STATE_ORDER[rowState(i)] ?? 9;
    case 'mail':
      return i.mailStatus === null ? 9 : (MAIL_ORDER[i.mailStatus] ?? 9);
  }
}

function matches(i: ReviewInvoice, q: TableQuery): boolean {
  const state = rowState(i);
  if (q.show === 'flagged' && i.flags.length === 0) return false;
  if (q.show !== 'all' && q.show !== 'flagged' && state !== q.show) return false;
  if (q.q === '') return true;
  const needle = q.q.toLowerCase();
  return [i.customerCode, i.customerName, i.number].some((s) => s.toLowerCase().includes(needle));
}

/** The rows to show, in order; ties keep customer order, void invoices after their replacement. */
export function selectRows(rows: ReadonlyArray<ReviewInvoice>, q: TableQuery): ReviewInvoice[] {
  const sign = q.dir === 'asc' ? 1 : -1;
  return rows
    .filter((r) => matches(r, q))
    .sort((a, b) => {
      const x = sortValue(a, q.sort);
      const y = sortValue(b, q.sort);
      if (x < y) return -sign;
      if (x > y) return sign;
      return (
        a.customerCode.localeCompare(b.customerCode) ||
        (STATE_ORDER[rowState(a)] ?? 9) - (STATE_ORDER[rowState(b)] ?? 9) ||
        a.number.localeCompare(b.number)
      );
    });
}
