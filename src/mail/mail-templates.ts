import { readFileSync } from 'node:fs';
import Mustache from 'mustache';
import type { MailKind } from './outbox.ts';

// Mail wording is data (templates/mail/*.mustache, see its README): a translator edits it, not the code.
const templateUrl = (file: string): URL => new URL(`../../templates/mail/${file}`, import.meta.url);

const MARKER = /^=== ([a-z][a-z0-9.]*) ===$/;

/** Splits a template file into its '=== name ===' parts; what stands above the first marker is a note. */
export function templateParts(source: string, file: string): ReadonlyMap<string, string> {
  const parts = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const close = () => {
    if (current !== null) parts.set(current, lines.join('\n'));
  };
  for (const line of source.replace(/\r\n/g, '\n').split('\n')) {
    const marker = MARKER.exec(line);
    if (marker) {
      close();
      current = marker[1]!;
      if (parts.has(current)) throw new Error(`${file}: part '${current}' appears twice`);
      lines = [];
    } else if (current !== null) lines.push(line);
  }
  close();
  return parts;
}

export interface MailTemplate {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

let shared: Readonly<Record<string, string>> | null = null;
const byKind = new Map<MailKind, MailTemplate>();

function sharedPartials(): Readonly<Record<string, string>> {
  if (shared) return shared;
  const parts = templateParts(
    readFileSync(templateUrl('_shared.mustache'), 'utf8'),
    'templates/mail/_shared.mustache',
  );
  // A partial stands on a line of its own, so it ends its last line as that line did.
  shared = Object.fromEntries([...parts].map(([name, body]) => [name, `${body}\n`]));
  return shared;
}

/** The subject, text and html parts of a kind's template (read once, then cached). */
export function mailTemplate(kind: MailKind): MailTemplate {
  const cached = byKind.get(kind);
  if (cached) return cached;
  const file = `templates/mail/${kind}.mustache`;
  const parts = templateParts(readFileSync(templateUrl(`${kind}.mustache`), 'utf8'), file);
  const part = (name: string) => {
    const p = parts.get(name);
    if (p === undefined) throw new Error(`${file} has no '=== ${name} ===' part`);
    return p;
  };
  const template = { subject: part('subject'), text: part('text'), html: part('html') };
  byKind.set(kind, template);
  return template;
}

/** Plain text is not HTML: no escaping there. */
const verbatim = (value: unknown): string => String(value);

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The five characters that matter in HTML text and quoted attributes (Mustache's own also escapes '/', '=' …). */
function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Anything that could end a header line or smuggle a control character: replaced by a space. */
export function oneLine(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

export interface RenderedText {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Renders a kind's template with a view of already formatted values; the subject is always one line. */
export function renderTemplate(kind: MailKind, view: Readonly<Record<string, unknown>>): RenderedText {
  const template = mailTemplate(kind);
  const partials = sharedPartials();
  const subject = oneLine(Mustache.render(template.subject, view, partials, { escape: verbatim }));
  const withSubject = { ...view, subject };
  const text = Mustache.render(template.text, withSubject, partials, { escape: verbatim });
  const html = Mustache.render(template.html, withSubject, partials, { escape: escapeHtml });
  return { subject, text: `${tidy(text)}\n`, html: `${tidy(html)}\n` };
}

/** At most one blank line in a row, none at the ends (sections that render empty leave gaps). */
function tidy(s: string): string {
  return s
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
