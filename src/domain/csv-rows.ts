// Reading the small reference-data CSVs of migrations/data (prefixes, price lists, tax rules, holidays).
// They are plain: a header, one record a line, no quoted commas. Blank lines are skipped.

export interface CsvRow {
  /** 1-based line number in the file, for error messages. */
  readonly line: number;
  readonly fields: ReadonlyArray<string>;
}

export interface CsvTable {
  readonly header: ReadonlyArray<string>;
  readonly rows: ReadonlyArray<CsvRow>;
}

/** Splits csv into trimmed fields; every row must have as many fields as the header. */
export function readCsv(csv: string, source: string): CsvTable {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: ReadonlyArray<string> | null = null;
  const rows: CsvRow[] = [];
  for (const [i, text] of lines.entries()) {
    if (text.trim() === '') continue;
    const fields = text.split(',').map((field) => field.trim());
    if (header === null) {
      header = fields;
      continue;
    }
    if (fields.length !== header.length) {
      throw new Error(
        `${source} line ${i + 1}: expected ${header.length} fields (${header.join(',')}), found ${fields.length}: '${text}'.`,
      );
    }
    rows.push({ line: i + 1, fields });
  }
  if (header === null) throw new Error(`${source} is empty; expected a header line and data rows.`);
  return { header, rows };
}

/** Like readCsv, but the header must be exactly `expected`. */
export function readCsvWithHeader(
  csv: string,
  expected: ReadonlyArray<string>,
  source: string,
): ReadonlyArray<CsvRow> {
  const table = readCsv(csv, source);
  if (table.header.join(',') !== expected.join(',')) {
    throw new Error(
      `${source} line 1: header must be '${expected.join(',')}', found '${table.header.join(',')}'.`,
    );
  }
  return table.rows;
}

/** A field of a row, known to exist (readCsv checked the count). */
export function field(row: CsvRow, index: number): string {
  return row.fields[index] ?? '';
}
