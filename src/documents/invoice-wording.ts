import { readFileSync } from 'node:fs';
import { CURRENT_TEMPLATE_VERSION, wordingFileFor } from './invoice-template.ts';

const loaded = new Map<number, Readonly<Record<string, string>>>();

function wordingOf(version: number): Readonly<Record<string, string>> {
  const cached = loaded.get(version);
  if (cached !== undefined) return cached;
  const file = wordingFileFor(version);
  const wording = JSON.parse(readFileSync(new URL(`../../templates/${file}`, import.meta.url), 'utf8'));
  loaded.set(version, wording);
  return wording;
}

// The wording of the invoice being drawn. Drawing is synchronous (renderInvoicePdf sets it, draws, restores it
// before it awaits anything), so two renders never see each other's version.
let active = CURRENT_TEMPLATE_VERSION;

/** Runs a synchronous draw with the wording of template `version` (an invoice keeps the wording it was issued with). */
export function withWording<T>(version: number, draw: () => T): T {
  const previous = active;
  wordingOf(version);
  active = version;
  try {
    return draw();
  } finally {
    active = previous;
  }
}

/** A label from the wording file, with `{name}` placeholders filled in. */
export function word(key: string, values: Readonly<Record<string, string | number>> = {}): string {
  const text = wordingOf(active)[key];
  if (text === undefined) {
    throw new Error(
      `The invoice wording '${key}' is missing from templates/${wordingFileFor(active)}. Add it there.`,
    );
  }
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => String(values[name] ?? placeholder));
}

/** A display name from the wording file (a product's or an operator's), else the code as it is. */
export function wordOr(key: string, fallback: string): string {
  return wordingOf(active)[key] ?? fallback;
}
