// Issue 17: every --json output uses one casing, snake_case, like the CSV files and the database. Converted here, at
// the output edge, so the commands keep their TypeScript names and no command can print another casing.

/** `sellerIsDemo` → `seller_is_demo`; keys that are not camelCase identifiers (data, e.g. '2026-10') stay. */
export function snakeKey(key: string): string {
  if (!/^[a-z][A-Za-z0-9]*$/.test(key)) return key;
  return key
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The JSON text of `value` with every object key in snake_case, at any depth (Dates as ISO text, as JSON does). */
export function snakeJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [snakeKey(k), x])) : v,
    2,
  );
}
