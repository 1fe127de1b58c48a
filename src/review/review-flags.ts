import { formatNumberId, formatRupiah } from '../domain/money.ts';
import type { ReviewSettings } from './review-settings.ts';

// What the review page points at: pure rules over an invoice's facts, so they are tested without a database.

export type FlagKind =
  | 'usage_changed'
  | 'usage_stopped'
  | 'quota_reached'
  | 'other_share'
  | 'above_threshold'
  | 'parked';

export interface Flag {
  readonly kind: FlagKind;
  /** Short Indonesian label, with its English reading. */
  readonly label: string;
  readonly labelEn: string;
  /** A short figure beside the label in the table, e.g. '×3,0' or '35%'. */
  readonly metric: string | null;
  /** The facts behind the flag, for the tooltip and the invoice page. */
  readonly detail: string;
}

export interface InvoiceFacts {
  readonly parts: number;
  /** Parts of the customer's live invoice of the previous month; null without one. */
  readonly previousParts: number | null;
  readonly previousMonth: string;
  /** Parts sent to operator 'other' (R4: unknown prefixes, foreign numbers). */
  readonly otherParts: number;
  /** R10: the customer reached 100 % of the quota during the month. */
  readonly quotaReached: boolean;
  readonly total: number;
}

/** 2.5 → '2,5' (Indonesian decimal comma), for ratios shown to finance. */
function ratioText(ratio: number): string {
  const oneDecimal = ratio.toFixed(1); // a usage ratio, never money
  return oneDecimal.replace('.', ',');
}

/** The flags an issued invoice raises under the configured thresholds. */
export function invoiceFlags(f: InvoiceFacts, s: ReviewSettings): ReadonlyArray<Flag> {
  const flags: Flag[] = [];
  const prev = f.previousParts;
  if (prev !== null && prev > 0 && f.parts > 0) {
    if (f.parts >= prev * s.usageFactor || prev >= f.parts * s.usageFactor) {
      const up = f.parts > prev;
      flags.push({
        kind: 'usage_changed',
        label: up ? 'Pemakaian naik' : 'Pemakaian turun',
        labelEn: up ? 'Usage up' : 'Usage down',
        metric: `×${ratioText(f.parts / prev)}`,
        detail: `${formatNumberId(prev)} → ${formatNumberId(f.parts)} bagian/parts (×${ratioText(f.parts / prev)} dibanding ${f.previousMonth})`,
      });
    }
  }
  if (f.quotaReached) {
    flags.push({
      kind: 'quota_reached',
      label: 'Kuota tercapai',
      labelEn: 'Quota reached',
      metric: null,
      detail: 'Pemakaian mencapai 100% kuota bulan ini (R10) / usage reached the quota this month',
    });
  }
  if (f.parts > 0 && f.otherParts * 100 >= s.otherSharePercent * f.parts) {
    const share = Math.round((f.otherParts * 100) / f.parts);
    flags.push({
      kind: 'other_share',
      label: 'Operator lain',
      labelEn: "'Other' operator",
      metric: `${share}%`,
      detail: `${share}% bagian ke nomor operator lain/luar negeri (${formatNumberId(f.otherParts)} dari ${formatNumberId(f.parts)}); batas ${s.otherSharePercent}%`,
    });
  }
  if (f.total > s.totalThreshold) {
    flags.push({
      kind: 'above_threshold',
      label: 'Total besar',
      labelEn: 'Large total',
      metric: null,
      detail: `Total ${formatRupiah(f.total)} di atas batas ${formatRupiah(s.totalThreshold)}`,
    });
  }
  return flags;
}

/** A customer who had a live invoice last month and none now (and is not parked). */
export function stoppedFlag(previousParts: number, previousMonth: string): Flag {
  return {
    kind: 'usage_stopped',
    label: 'Pemakaian berhenti',
    labelEn: 'Usage stopped',
    metric: null,
    detail: `${formatNumberId(previousParts)} bagian/parts di ${previousMonth}, tidak ada bulan ini / none this month`,
  };
}

/** A customer the invoice run could not invoice, with the run's reason. */
export function parkedFlag(reason: string): Flag {
  return { kind: 'parked', label: 'Ditunda', labelEn: 'Parked', metric: null, detail: reason };
}
