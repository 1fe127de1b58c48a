import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { columnsOf, dumpSchema } from '../support/schema-dump.ts';

const GOLDEN = new URL('../golden/schema.sql', import.meta.url);
const SCHEMA_TS = fileURLToPath(new URL('../../src/db/schema.ts', import.meta.url));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t.close();
});

type Kind = 'number' | 'string' | 'boolean' | 'Date' | 'Buffer' | 'array' | 'unknown' | 'other';
interface TsColumn {
  readonly kinds: ReadonlySet<Kind>;
  readonly nullable: boolean;
}

/** What each PostgreSQL type may be read as in TypeScript (pg's parsers plus the int8 one of connect.ts). */
const COMPATIBLE: Readonly<Record<string, ReadonlyArray<Kind>>> = {
  int2: ['number'],
  int4: ['number'],
  int8: ['number'],
  text: ['string'],
  _text: ['array'],
  bool: ['boolean'],
  date: ['string'],
  timestamptz: ['Date'],
  jsonb: ['unknown', 'array'],
  bytea: ['Buffer'],
  xid8: ['string'],
  pg_snapshot: ['string'],
  // pg has no parser for cidr: it arrives as its text
  cidr: ['string'],
};

function kindOf(type: ts.Type, checker: ts.TypeChecker): Kind {
  if (type.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return 'number';
  if (type.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return 'string';
  if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return 'boolean';
  if (type.flags & ts.TypeFlags.Unknown) return 'unknown';
  if (checker.isArrayType(type) || checker.isTupleType(type)) return 'array';
  const name = type.getSymbol()?.getName();
  if (name === 'Date' || name === 'Buffer') return name;
  return 'other';
}

/** The parts of a column's select type: a kysely ColumnType is read through its __select__ member. */
function selectParts(type: ts.Type, checker: ts.TypeChecker): ReadonlyArray<ts.Type> {
  const parts = type.isUnion() ? type.types : [type];
  return parts.flatMap((p) => {
    const select = p.getProperty('__select__');
    return select ? selectParts(checker.getTypeOfSymbol(select), checker) : [p];
  });
}

/** The select types of every table and view of `DB` in src/db/schema.ts, read with the TypeScript checker. */
function schemaTsColumns(): ReadonlyMap<string, ReadonlyMap<string, TsColumn>> {
  const program = ts.createProgram([SCHEMA_TS], {
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(SCHEMA_TS)!;
  const db = checker
    .getExportsOfModule(checker.getSymbolAtLocation(file)!)
    .find((s) => s.getName() === 'DB')!;
  const tables = new Map<string, Map<string, TsColumn>>();
  for (const table of checker.getDeclaredTypeOfSymbol(db).getProperties()) {
    const columns = new Map<string, TsColumn>();
    for (const column of checker.getTypeOfSymbol(table).getProperties()) {
      const parts = selectParts(checker.getTypeOfSymbol(column), checker);
      const nullable = parts.some((p) => (p.flags & ts.TypeFlags.Null) !== 0);
      const kinds = new Set(
        parts.filter((p) => !(p.flags & ts.TypeFlags.Null)).map((p) => kindOf(p, checker)),
      );
      columns.set(column.getName(), { kinds, nullable });
    }
    tables.set(table.getName(), columns);
  }
  return tables;
}

describe('schema golden', () => {
  it('the migrated schema matches test/golden/schema.sql (UPDATE_GOLDEN=1 rewrites it; a missing golden fails)', async () => {
    const dump = await dumpSchema(t.db);
    if (process.env.UPDATE_GOLDEN === '1') await writeFile(GOLDEN, dump);
    const golden = await readFile(GOLDEN, 'utf8').catch(() => null);
    if (golden === null) {
      throw new Error(
        'test/golden/schema.sql is missing: run UPDATE_GOLDEN=1 npx vitest run test/db/schema-golden.test.ts',
      );
    }
    expect(dump).toBe(golden);
  });

  it('src/db/schema.ts has every table, view and column of the database with a compatible type, and no other', async () => {
    const db = await columnsOf(t.db);
    const tsTables = schemaTsColumns();
    const views = new Set(['deposit_balances', 'sending_permission']);
    // A generated column carries no not-null constraint; this one's expression is never null (R2).
    const neverNull = new Set(['messages.billable']);
    expect([...tsTables.keys()].sort()).toEqual([...new Set(db.map((c) => c.relation))].sort());
    const problems: string[] = [];
    for (const [relation, columns] of tsTables) {
      const dbNames = db.filter((c) => c.relation === relation).map((c) => c.column);
      if ([...columns.keys()].sort().join() !== [...dbNames].sort().join()) {
        problems.push(
          `${relation}: schema.ts has ${[...columns.keys()].sort()}; the database ${[...dbNames].sort()}`,
        );
      }
    }
    for (const c of db) {
      const column = tsTables.get(c.relation)?.get(c.column);
      if (column === undefined) continue;
      const allowed = COMPATIBLE[c.udt] ?? [];
      const bad = [...column.kinds].filter((k) => !allowed.includes(k));
      if (bad.length > 0) problems.push(`${c.relation}.${c.column}: ${c.udt} read as ${bad.join(' | ')}`);
      // A view's columns are all nullable to the catalog; only a table's nullability is checked.
      if (
        !views.has(c.relation) &&
        !neverNull.has(`${c.relation}.${c.column}`) &&
        column.nullable !== c.nullable
      ) {
        problems.push(
          `${c.relation}.${c.column}: nullable ${c.nullable} in the database, ${column.nullable} in schema.ts`,
        );
      }
    }
    expect(problems).toEqual([]);
  });
});
