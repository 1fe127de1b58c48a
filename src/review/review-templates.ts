import { readFileSync } from 'node:fs';
import Mustache from 'mustache';

// The page's wording and look are data (templates/review/, see its README): edited without touching the code.
const templateUrl = (file: string): URL => new URL(`../../templates/review/${file}`, import.meta.url);

export type PageName = 'month' | 'prepaid' | 'invoice' | 'message' | 'confirm' | 'login';

export interface ReviewTemplates {
  readonly layout: string;
  readonly pages: Readonly<Record<PageName, string>>;
  readonly css: string;
  readonly js: string;
}

/** Reads the templates once, when the server starts: a broken template fails at start, not mid-review. */
export function loadReviewTemplates(): ReviewTemplates {
  const read = (file: string) => readFileSync(templateUrl(file), 'utf8');
  const templates: ReviewTemplates = {
    layout: read('layout.mustache'),
    pages: {
      month: read('month.mustache'),
      prepaid: read('prepaid.mustache'),
      invoice: read('invoice.mustache'),
      message: read('message.mustache'),
      confirm: read('confirm.mustache'),
      login: read('login.mustache'),
    },
    css: read('review.css'),
    js: read('review.js'),
  };
  for (const t of [templates.layout, ...Object.values(templates.pages)]) Mustache.parse(t);
  return templates;
}

export interface Notice {
  readonly tone: 'ok' | 'warn' | 'error';
  readonly text: string;
  readonly en?: string;
}

export interface LayoutView {
  readonly title: string;
  readonly operator: string;
  readonly notice: Notice | null;
  /** Where "back to the month" leads. */
  readonly month: string | null;
  /** The CSRF token for the log-out button; absent on pages shown before logging in. */
  readonly logout?: string;
}

/** One whole page: the page template rendered into the layout (values are HTML-escaped by Mustache). */
export function renderPage(t: ReviewTemplates, page: PageName, layout: LayoutView, view: object): string {
  const body = Mustache.render(t.pages[page], view);
  return Mustache.render(t.layout, { ...layout, body });
}
