// Billing email addresses as finance enters them. An address goes into a mail header (To:), so a line break or
// another control character in it could add headers of its own (issue 17 found one stored and used): refused.

export type EmailList =
  | { readonly ok: true; readonly emails: ReadonlyArray<string> }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> };

// The atext of RFC 5322 in the local part, dot-separated; a domain of letter-digit-hyphen labels.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const FORM = 'expected name@domain.tld, e.g. billing@acme.co.id';

/** One address, checked: a reason naming the address and the form expected, or null when it is fine. */
export function emailProblem(address: string): string | null {
  const shown = JSON.stringify(address);
  if (CONTROL.test(address)) {
    return `email ${shown} holds a line break or another control character, which would break the mail header; ${FORM}`;
  }
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (at <= 0 || !LOCAL.test(local) || local.length > 64 || !DOMAIN.test(domain) || address.length > 254) {
    return `email '${address}' is not an email address; ${FORM}`;
  }
  return null;
}

/**
 * A list of addresses separated by ';' or spaces ('a@x.id; b@x.id'). A control character anywhere refuses the
 * whole entry: a line break is never a separator, it is how a header is smuggled in.
 */
export function parseEmailList(raw: string): EmailList {
  if (CONTROL.test(raw)) {
    return { ok: false, problems: [emailProblem(raw.trim())!] };
  }
  const emails = raw
    .split(/[; ]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (emails.length === 0) return { ok: false, problems: ['email is missing'] };
  const problems = emails.map(emailProblem).filter((p): p is string => p !== null);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, emails };
}
