import { readFileSync } from 'node:fs';

// R16: the credit note's wording (and the BATAL / VOID mark of a void invoice), Indonesian then English: data.
const WORDING_FILE = 'templates/credit-note.id-en.json';
const WORDING: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(new URL('../../templates/credit-note.id-en.json', import.meta.url), 'utf8'),
);

/** A label from the credit note wording file, with `{name}` placeholders filled in. */
export function cnWord(key: string, values: Readonly<Record<string, string | number>> = {}): string {
  const text = WORDING[key];
  if (text === undefined)
    throw new Error(`The wording '${key}' is missing from ${WORDING_FILE}. Add it there.`);
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(values[name] ?? placeholder));
}
