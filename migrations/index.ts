import type { Migration } from 'kysely';
import * as core from './2026-11-27-01-core.ts';
import * as referenceData from './2026-11-27-02-reference-data.ts';
import * as invoicePartsPerDay from './2026-11-27-03-invoice-parts-per-day.ts';
import * as messagesPartitions from './2026-12-01-16-messages-partitions.ts';

/** Every migration, in order. A static list: FileMigrationProvider cannot import .ts under vitest. */
export const migrations: Readonly<Record<string, Migration>> = {
  '2026-11-27-01-core': core,
  '2026-11-27-02-reference-data': referenceData,
  '2026-11-27-03-invoice-parts-per-day': invoicePartsPerDay,
  '2026-12-01-16-messages-partitions': messagesPartitions,
};
