// How a bad field is named in a rejection reason: never its value when that could be a secret. OTP texts are
// secrets (house rule), and an OTP put in the wrong field is still one.

/** Longest value a reason may quote (issue 17: never a field's value longer than this). */
export const MAX_QUOTED = 40;
/** JSON nesting a line may have: a delivery report needs 3 ({"status_respon":[{…}]}). */
export const MAX_NESTING = 16;

/** A run of 4 or more digits: what an OTP looks like, wherever it was put. */
export function hasDigitRun(s: string): boolean {
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    run = unit >= 48 && unit <= 57 ? run + 1 : 0;
    if (run >= 4) return true;
  }
  return false;
}

function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit < 32 || unit === 127 || (unit >= 0x80 && unit < 0xa0)) return true;
  }
  return false;
}

/**
 * A value as a reason may show it: quoted when short, without control characters and without a run of 4+ digits
 * (an OTP); otherwise described ('a text of 57 characters', 'a list'). Objects are never serialised (a deeply
 * nested one overflowed the stack).
 */
export function shown(value: unknown): string {
  if (value === undefined) return '(missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    const s = String(value);
    return hasDigitRun(s) ? `a number of ${s.replace(/\D/g, '').length} digits` : s;
  }
  const s = String(value);
  if (s.length > MAX_QUOTED) return `a text of ${[...s].length} characters`;
  if (hasControl(s)) return `a text of ${[...s].length} characters with control characters`;
  if (hasDigitRun(s))
    return `a text of ${[...s].length} characters with digits (not shown: it may be an OTP)`;
  return `'${s}'`;
}

/** A send time as a reason may show it: quoted when it is shaped like a date, otherwise as `shown`. */
export function shownTimestamp(value: unknown): string {
  return looksLikeTimestamp(value) ? `'${value}'` : shown(value);
}

/** Shaped like a date and time ('2026-10-05T10:11:12+07:00'), so not an OTP text, whatever its digits. */
export function looksLikeTimestamp(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_QUOTED &&
    /^[+-]?\d{4,6}-\d\d-\d\d[\dT :.+\-Zz]*$/.test(value)
  );
}

/** A phone number as a reason may describe it: its digits counted, never shown (an OTP fits in 6 digits). */
export function describedNumber(value: string): string {
  const digits = value.replace(/\D/g, '').length;
  const other = value.replace(/[\d\s+\-.()]/g, '').length;
  return other > 0 ? `a text of ${[...value].length} characters with letters or symbols` : `${digits} digits`;
}

/**
 * Whether the JSON text nests objects and lists deeper than `max`, counted outside strings. A send record (one
 * object, no list) is told in two indexOf calls; the rest is scanned once.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.indexOf('[') === -1 && text.indexOf('{', 1) === -1) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (inString) {
      if (unit === 92) i++;
      else if (unit === 34) inString = false;
    } else if (unit === 34) inString = true;
    else if (unit === 91 || unit === 123) {
      if (++depth > max) return true;
    } else if (unit === 93 || unit === 125) depth--;
  }
  return false;
}

/** The path of the first string (key or value) holding a NUL character, e.g. 'message' or 'status_respon[0].number'. */
export function fieldWithNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path || 'the line' : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = fieldWithNul(item, `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) return `a key of ${path || 'the line'}`;
      // A key is named only when it looks like one: an OTP used as a key stays unshown.
      const name = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(key) && !hasDigitRun(key) ? key : '(a field)';
      const where = path ? `${path}.${name}` : name;
      const found = fieldWithNul(item, where);
      if (found) return found;
    }
  }
  return null;
}
