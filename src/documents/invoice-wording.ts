import { readFileSync } from 'node:fs';
import { CURRENT_TEMPLATE_VERSION, wordingFileFor } from './invoice-template.ts';

const WORDING_FILE = `templates/${wordingFileFor(CURRENT_TEMPLATE_VERSION)}`;
const WORDING: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(
    new URL(`../../templates/${wordingFileFor(CURRENT_TEMPLATE_VERSION)}`, import.meta.url),
    'utf8',
  ),
);

/** A label from the wording file, with `{name}` placeholders filled in. */
export function word(key: string, values: Readonly<Record<string, string | number>> = {}): string {
  const text = WORDING[key];
  if (text === undefined) {
    throw new Error(`The invoice wording '${key}' is missing from ${WORDING_FILE}. Add it there.`);
  }
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(values[name] ?? placeholder));
}

/** A display name from the wording file (a product's or an operator's), else the code as it is. */
export function wordOr(key: string, fallback: string): string {
  return WORDING[key] ?? fallback;
}
