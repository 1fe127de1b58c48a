import type { Migration } from 'kysely';
import * as core from './2026-11-27-01-core.ts';
import * as referenceData from './2026-11-27-02-reference-data.ts';
import * as invoicePartsPerDay from './2026-11-27-03-invoice-parts-per-day.ts';
import * as oneHome from './2026-12-01-01-one-home.ts';
import * as priceListsTaxRules from './2026-12-01-10-price-lists-tax-rules.ts';
import * as customerHistory from './2026-12-01-10c-customer-history.ts';
import * as creditNotes from './2026-12-01-11-credit-notes.ts';
import * as efaktur from './2026-12-01-12-efaktur.ts';
import * as apiKeys from './2026-12-01-13-api-keys.ts';
import * as prepaid from './2026-12-01-14-prepaid.ts';
import * as messagesPartitions from './2026-12-01-16-messages-partitions.ts';
import * as invoiceWorkItems from './2026-12-01-16c-invoice-work-items.ts';
import * as hardening from './2026-12-01-17-hardening.ts';
import * as interruptedRuns from './2026-12-01-17b-interrupted-runs.ts';
import * as reviewUsers from './2026-12-01-17c-review-users.ts';
import * as usageDeltas from './2026-12-01-18-usage-deltas.ts';
import * as prepaidChargesNoFk from './2026-12-01-18b-prepaid-charges-no-fk.ts';
import * as prepaidLedgerCreated from './2026-12-01-21-prepaid-ledger-created.ts';
import * as ingestContextVersion from './2026-12-02-13-ingest-context-version.ts';

/** Every migration, in order. A static list: FileMigrationProvider cannot import .ts under vitest. */
export const migrations: Readonly<Record<string, Migration>> = {
  '2026-11-27-01-core': core,
  '2026-11-27-02-reference-data': referenceData,
  '2026-11-27-03-invoice-parts-per-day': invoicePartsPerDay,
  '2026-12-01-01-one-home': oneHome,
  '2026-12-01-10c-customer-history': customerHistory,
  '2026-12-01-12-efaktur': efaktur,
  '2026-12-01-17-hardening': hardening,
  '2026-12-01-17b-interrupted-runs': interruptedRuns,
  '2026-12-01-13-api-keys': apiKeys,
  '2026-12-01-10-price-lists-tax-rules': priceListsTaxRules,
  '2026-12-01-11-credit-notes': creditNotes,
  '2026-12-01-14-prepaid': prepaid,
  '2026-12-01-16-messages-partitions': messagesPartitions,
  '2026-12-01-16c-invoice-work-items': invoiceWorkItems,
  '2026-12-01-17c-review-users': reviewUsers,
  '2026-12-01-18-usage-deltas': usageDeltas,
  '2026-12-01-18b-prepaid-charges-no-fk': prepaidChargesNoFk,
  '2026-12-01-21-prepaid-ledger-created': prepaidLedgerCreated,
  '2026-12-02-13-ingest-context-version': ingestContextVersion,
};
