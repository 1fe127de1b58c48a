import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DELIVERY_STATUS_LABELS,
  DELIVERY_STATUSES,
  type DeliveryStatus,
  isDeliveryStatus,
  isSendingStatus,
  mergeDeliveryStatus,
  SENDING_STATUS_LABELS,
  SENDING_STATUSES,
} from '../../src/domain/delivery-status.ts';

describe('R2 statuses of the gateway', () => {
  it('R2: sending and delivery statuses with their labels', () => {
    expect(SENDING_STATUSES).toEqual([10, 60, 70, 80, 90]);
    expect(SENDING_STATUS_LABELS).toEqual({
      10: 'Success',
      60: 'Invalid Number',
      70: 'Invalid Message',
      80: 'Minimum Balance',
      90: 'System Error',
    });
    expect(DELIVERY_STATUSES).toEqual([2, 3, 4, 5, 6, 7]);
    expect(DELIVERY_STATUS_LABELS).toEqual({
      2: 'Sent',
      3: 'Delivered',
      4: 'Read',
      5: 'Cancel',
      6: 'Reject',
      7: 'Pending',
    });
  });

  it.each([
    [10, true, false],
    [60, true, false],
    [2, false, true],
    [7, false, true],
    [1, false, false],
    [8, false, false],
    [20, false, false],
  ])('R2: %i is a sending status: %s, a delivery status: %s', (n, sending, delivery) => {
    expect(isSendingStatus(n)).toBe(sending);
    expect(isDeliveryStatus(n)).toBe(delivery);
  });
});

describe('R2 merging delivery reports', () => {
  // Rows: current status; columns: incoming 2, 3, 4, 5, 6, 7.
  const TABLE: ReadonlyArray<[DeliveryStatus | null, ReadonlyArray<DeliveryStatus>]> = [
    [null, [2, 3, 4, 5, 6, 7]],
    [7, [2, 3, 4, 5, 6, 7]],
    [2, [2, 3, 4, 5, 6, 2]],
    [3, [3, 3, 4, 5, 6, 3]],
    [4, [4, 4, 4, 5, 6, 4]],
    [5, [5, 5, 5, 5, 5, 5]],
    [6, [6, 6, 6, 6, 6, 6]],
  ];
  const cases = TABLE.flatMap(([current, results]) =>
    DELIVERY_STATUSES.map((incoming, i): [DeliveryStatus | null, DeliveryStatus, DeliveryStatus] => [
      current,
      incoming,
      results[i]!,
    ]),
  );

  it.each(cases)('R2: current %s, report %i → %i', (current, incoming, expected) => {
    expect(mergeDeliveryStatus(current, incoming)).toBe(expected);
  });

  const progress = fc.constantFrom<DeliveryStatus>(7, 2, 3, 4);
  const anyStatus = fc.constantFrom<DeliveryStatus>(...DELIVERY_STATUSES);
  const apply = (reports: ReadonlyArray<DeliveryStatus>) =>
    reports.reduce<DeliveryStatus | null>((status, report) => mergeDeliveryStatus(status, report), null);

  it('R2: without Cancel or Reject, the order reports arrive in does not matter (the furthest wins)', () => {
    fc.assert(
      fc.property(fc.array(progress, { minLength: 1, maxLength: 8 }), (reports) => {
        const order = [7, 2, 3, 4];
        const furthest = [...reports].sort((a, b) => order.indexOf(b) - order.indexOf(a))[0];
        return apply(reports) === furthest && apply([...reports].reverse()) === furthest;
      }),
    );
  });

  it('R2: the first Cancel or Reject received is final', () => {
    fc.assert(
      fc.property(fc.array(anyStatus, { minLength: 1, maxLength: 8 }), (reports) => {
        const firstFinal = reports.find((s) => s === 5 || s === 6);
        return firstFinal === undefined || apply(reports) === firstFinal;
      }),
    );
  });

  it('R2: a report received twice changes nothing', () => {
    fc.assert(
      fc.property(fc.array(anyStatus, { minLength: 1, maxLength: 8 }), (reports) => {
        const doubled = reports.flatMap((s) => [s, s]);
        return apply(doubled) === apply(reports);
      }),
    );
  });
});
