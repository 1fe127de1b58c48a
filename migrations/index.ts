import type { Migration } from 'kysely';
import * as core from './2026-11-27-01-core.ts';
import * as referenceData from './2026-11-27-02-reference-data.ts';
import * as invoicePartsPerDay from './2026-11-27-03-invoice-parts-per-day.ts';
import * as oneHome from './2026-12-01-01-one-home.ts';
import * as efaktur from './2026-12-01-12-efaktur.ts';
import * as hardening from './2026-12-01-17-hardening.ts';
import * as interruptedRuns from './2026-12-01-17b-interrupted-runs.ts';
import * as reviewUsers from './2026-12-01-17c-review-users.ts';

/** Every migration, in order. A static list: FileMigrationProvider cannot import .ts under vitest. */
export const migrations: Readonly<Record<string, Migration>> = {
  '2026-11-27-01-core': core,
  '2026-11-27-02-reference-data': referenceData,
  '2026-11-27-03-invoice-parts-per-day': invoicePartsPerDay,
  '2026-12-01-01-one-home': oneHome,
  '2026-12-01-12-efaktur': efaktur,
  '2026-12-01-17-hardening': hardening,
  '2026-12-01-17b-interrupted-runs': interruptedRuns,
  '2026-12-01-17c-review-users': reviewUsers,
};
