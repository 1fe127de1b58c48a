// R2: the gateway's sending and delivery statuses, and which messages are billable.

/** The gateway's sendingstatus: 10 Success; 60, 70, 80, 90 are failures and never billed. */
export type SendingStatus = 10 | 60 | 70 | 80 | 90;

export const SENDING_STATUSES: ReadonlyArray<SendingStatus> = [10, 60, 70, 80, 90];

export const SENDING_STATUS_LABELS: Readonly<Record<SendingStatus, string>> = {
  10: 'Success',
  60: 'Invalid Number',
  70: 'Invalid Message',
  80: 'Minimum Balance',
  90: 'System Error',
};

/** The gateway's deliverystatus (callback status_respon). */
export type DeliveryStatus = 2 | 3 | 4 | 5 | 6 | 7;

export const DELIVERY_STATUSES: ReadonlyArray<DeliveryStatus> = [2, 3, 4, 5, 6, 7];

export const DELIVERY_STATUS_LABELS: Readonly<Record<DeliveryStatus, string>> = {
  2: 'Sent',
  3: 'Delivered',
  4: 'Read',
  5: 'Cancel',
  6: 'Reject',
  7: 'Pending',
};

export function isSendingStatus(n: number): n is SendingStatus {
  return (SENDING_STATUSES as ReadonlyArray<number>).includes(n);
}

export function isDeliveryStatus(n: number): n is DeliveryStatus {
  return (DELIVERY_STATUSES as ReadonlyArray<number>).includes(n);
}

/** R2: Cancel and Reject end a message's story; the first one received stays. */
function isFinal(status: number): boolean {
  return status === 5 || status === 6;
}

/**
 * R2: a message is billed when it was sent (sendingstatus 10) and not Cancelled or Rejected; the same rule as the
 * generated column messages.billable (test/db/sql-agreement.test.ts). isBillable(10, 3) === true; isBillable(10, 6)
 * === false; isBillable(60, null) === false.
 */
export function isBillable(sendingStatus: number, deliveryStatus: number | null): boolean {
  return sendingStatus === 10 && !isFinal(deliveryStatus ?? 0);
}

/** R2: position in Pending (7) → Sent (2) → Delivered (3) → Read (4); undefined for the rest. */
function progress(status: number): number | undefined {
  switch (status) {
    case 7:
      return 1;
    case 2:
      return 2;
    case 3:
      return 3;
    case 4:
      return 4;
    default:
      return undefined;
  }
}

/**
 * R2: the status after a report arrives. Reports come late, twice or out of order: Cancel (5) and
 * Reject (6) are final once received; otherwise a status only moves forward, Pending → Sent →
 * Delivered → Read. mergeDeliveryStatus(4, 2) === 4; mergeDeliveryStatus(2, 6) === 6; mergeDeliveryStatus(6, 4) === 6.
 * The migration's SQL function merge_delivery_status applies the same rule (test/db/sql-agreement.test.ts).
 */
export function mergeDeliveryStatus(
  current: DeliveryStatus | null,
  incoming: DeliveryStatus,
): DeliveryStatus {
  if (current === null) return incoming;
  if (isFinal(current)) return current;
  if (isFinal(incoming)) return incoming;
  const from = progress(current);
  const to = progress(incoming);
  return from !== undefined && to !== undefined && to > from ? incoming : current;
}
