import { type Kysely, sql } from 'kysely';

// Issue 17: a run cut off mid-way (its process killed, its database lost, or a shutdown between two units of work)
// is recorded as 'interrupted', not left at 'running' nor mixed up with a run that failed on its own.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table job_runs drop constraint job_runs_outcome_check;
    alter table job_runs add constraint job_runs_outcome_check
      check (outcome in ('running', 'ok', 'failed', 'skipped', 'interrupted'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update job_runs set outcome = 'failed' where outcome = 'interrupted';
    alter table job_runs drop constraint job_runs_outcome_check;
    alter table job_runs add constraint job_runs_outcome_check
      check (outcome in ('running', 'ok', 'failed', 'skipped'));
  `.execute(db);
}
