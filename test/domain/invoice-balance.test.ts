import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPayment,
  type InvoiceStatus,
  isOpen,
  isOpenStatus,
  OPEN_STATUSES,
  openAmount,
  type PaymentSource,
  splitCredit,
  statusAfterPayment,
} from '../../src/domain/invoice-balance.ts';

describe('R11/R12 invoice balance', () => {
  it('R11: the open statuses are issued and partially_paid, and only those', () => {
    expect([...OPEN_STATUSES]).toEqual(['issued', 'partially_paid']);
    const all: InvoiceStatus[] = [
      'issued',
      'partially_paid',
      'paid',
      'settled_from_deposit',
      'credited',
      'void',
    ];
    expect(all.filter(isOpenStatus)).toEqual(['issued', 'partially_paid']);
  });

  it.each([
    { total: 1_110_000, paidAmount: 0, credited: 0, status: 'issued', open: 1_110_000, isOpen: true },
    {
      total: 1_110_000,
      paidAmount: 110_000,
      credited: 0,
      status: 'partially_paid',
      open: 1_000_000,
      isOpen: true,
    },
    { total: 1_110_000, paidAmount: 1_110_000, credited: 0, status: 'paid', open: 0, isOpen: false },
    {
      total: 1_110_000,
      paidAmount: 1_110_000,
      credited: 0,
      status: 'settled_from_deposit',
      open: 0,
      isOpen: false,
    },
    { total: 1_110_000, paidAmount: 0, credited: 0, status: 'void', open: 1_110_000, isOpen: false },
  ] as const)('R12: $status with $paidAmount of $total paid is $open open', (row) => {
    expect(openAmount(row)).toBe(row.open);
    expect(isOpen(row)).toBe(row.isOpen);
  });

  it.each([
    { openAfter: 1, source: 'transfer', status: 'partially_paid' },
    { openAfter: 0, source: 'transfer', status: 'paid' },
    { openAfter: 5_000, source: 'deposit', status: 'partially_paid' },
    { openAfter: 0, source: 'deposit', status: 'settled_from_deposit' },
  ] as const)('R11/R12: $source leaving $openAfter open → $status', ({ openAfter, source, status }) => {
    expect(statusAfterPayment(openAfter, source)).toBe(status);
  });

  it.each([
    {
      name: 'R12: a partial transfer',
      invoice: { total: 1_000, paidAmount: 0, credited: 0, status: 'issued' },
      amount: 400,
      source: 'transfer',
      expected: { openBefore: 1_000, openAfter: 600, paidAmount: 400, status: 'partially_paid' },
    },
    {
      name: 'R12: a transfer paying what the deposit left ends as paid',
      invoice: { total: 1_000, paidAmount: 700, credited: 0, status: 'partially_paid' },
      amount: 300,
      source: 'transfer',
      expected: { openBefore: 300, openAfter: 0, paidAmount: 1_000, status: 'paid' },
    },
    {
      name: 'R11: the deposit paying all of it',
      invoice: { total: 1_000, paidAmount: 0, credited: 0, status: 'issued' },
      amount: 1_000,
      source: 'deposit',
      expected: {
        openBefore: 1_000,
        openAfter: 0,
        paidAmount: 1_000,
        status: 'settled_from_deposit',
      },
    },
  ] as const)('$name', ({ invoice, amount, source, expected }) => {
    expect(applyPayment(invoice, amount, source)).toEqual(expected);
  });

  it.each([0, -1, 1.5, 1_001])('R12: applying %s to an invoice with 1000 open is refused', (amount) => {
    expect(() =>
      applyPayment({ total: 1_000, paidAmount: 0, credited: 0, status: 'issued' }, amount, 'transfer'),
    ).toThrow(RangeError);
  });

  it('R11/R12: paid + open stays the total, and the status follows from what is left', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9_000_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom<PaymentSource>('transfer', 'deposit'),
        (total, paidShare, payShare, source) => {
          const paidAmount = Math.min(total - 1, Math.floor(total * paidShare));
          const open = total - paidAmount;
          const amount = Math.max(1, Math.ceil(open * payShare));
          const applied = applyPayment({ total, paidAmount, credited: 0, status: 'issued' }, amount, source);
          expect(applied.paidAmount + applied.openAfter).toBe(total);
          expect(applied.status === 'partially_paid').toBe(applied.openAfter > 0);
        },
      ),
    );
  });

  it.each([
    {
      name: 'R16: a credit within the open amount only reduces it',
      paid: 0,
      credited: 0,
      status: 'issued',
      total: 400,
      expected: { reducedOpen: 400, toCustomerCredit: 0, status: 'issued' },
    },
    {
      name: 'R16: a credit of all that is open on an unpaid invoice leaves it credited',
      paid: 0,
      credited: 0,
      status: 'issued',
      total: 1_000,
      expected: { reducedOpen: 1_000, toCustomerCredit: 0, status: 'credited' },
    },
    {
      name: 'R16: the excess over the open amount becomes customer credit',
      paid: 700,
      credited: 0,
      status: 'partially_paid',
      total: 500,
      expected: { reducedOpen: 300, toCustomerCredit: 200, status: 'paid' },
    },
    {
      name: 'R16: a credit on a fully paid invoice is all customer credit',
      paid: 1_000,
      credited: 0,
      status: 'paid',
      total: 250,
      expected: { reducedOpen: 0, toCustomerCredit: 250, status: 'paid' },
    },
    {
      name: 'R16: earlier credit counts against the open amount',
      paid: 0,
      credited: 600,
      status: 'issued',
      total: 500,
      expected: { reducedOpen: 400, toCustomerCredit: 100, status: 'credited' },
    },
  ] as const)('$name', ({ paid, credited, status, total, expected }) => {
    expect(splitCredit({ total: 1_000, paidAmount: paid, credited, status }, total)).toEqual(expected);
    expect(openAmount({ total: 1_000, paidAmount: paid, credited })).toBe(
      Math.max(1_000 - paid - credited, 0),
    );
  });
});
