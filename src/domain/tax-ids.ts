// R17: Indonesian tax identities as Coretax takes them. Pure: values in, values (or a reason) out.
// NPWP 16 digits (a 15-digit NPWP of before 2024 becomes 16 with a leading 0, as Coretax converts it:
// PMK 136/2023), NIK 16 digits, NITKU 22 digits (the NPWP or NIK followed by a 6-digit place-of-business
// number; 000000 is the head office), passport or other ID numbers as printed.

export type BuyerDocumentType = 'TIN' | 'NIK' | 'passport' | 'other';
export const BUYER_DOCUMENT_TYPES: ReadonlyArray<BuyerDocumentType> = ['TIN', 'NIK', 'passport', 'other'];

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: string };

/** What a buyer is identified by on a Faktur Pajak. */
export interface BuyerTaxIdentity {
  readonly documentType: BuyerDocumentType;
  /** NPWP (16 digits) for TIN, NIK (16 digits), or the passport / other ID number. */
  readonly documentNumber: string;
  /** 22 digits, or null: the head office (number + 000000) is then used for TIN and NIK buyers. */
  readonly nitku: string | null;
  /** ISO 3166-1 alpha-3, e.g. IDN (Indonesia). */
  readonly country: string;
}

/** Indonesia in ISO 3166-1 alpha-3, the code list Coretax's BuyerCountry uses (IND would be India). */
export const INDONESIA = 'IDN';

// Finance types NPWPs as printed on the old cards: 01.234.567.8-012.000; dots, dashes and spaces go.
function digitsOf(raw: string): string | null {
  const text = raw.trim().replace(/[\s.\-/]/g, '');
  return /^\d+$/.test(text) ? text : null;
}

/** NPWP: 16 digits, or 15 (the old form, e.g. 01.234.567.8-012.000) given a leading 0 as Coretax does. */
export function parseNpwp(raw: string): Parsed<string> {
  const digits = digitsOf(raw);
  if (digits !== null && digits.length === 16) return { ok: true, value: digits };
  if (digits !== null && digits.length === 15) return { ok: true, value: `0${digits}` };
  return {
    ok: false,
    problem: `NPWP '${raw.trim()}' is not an NPWP; expected 16 digits (e.g. 0012345678012000) or the old 15-digit form (e.g. 01.234.567.8-012.000)`,
  };
}

/** NIK (the national identity card number): 16 digits. */
export function parseNik(raw: string): Parsed<string> {
  const digits = digitsOf(raw);
  if (digits !== null && digits.length === 16) return { ok: true, value: digits };
  return {
    ok: false,
    problem: `NIK '${raw.trim()}' is not a NIK; expected the 16 digits of the KTP, e.g. 3174012345670001`,
  };
}

/** NITKU (place-of-business number): 22 digits, the NPWP or NIK and 6 more (000000 = head office). */
export function parseNitku(raw: string): Parsed<string> {
  const digits = digitsOf(raw);
  if (digits !== null && digits.length === 22) return { ok: true, value: digits };
  return {
    ok: false,
    problem: `NITKU '${raw.trim()}' is not a NITKU; expected 22 digits, the 16-digit NPWP followed by 6 (000000 for the head office), e.g. 0012345678012000000000`,
  };
}

/** Passport or other ID: letters and digits as printed, 3 to 30 of them. */
export function parseOtherId(raw: string, what: 'passport' | 'other'): Parsed<string> {
  const text = raw.trim().toUpperCase().replace(/\s+/g, '');
  if (/^[A-Z0-9-]{3,30}$/.test(text)) return { ok: true, value: text };
  const label = what === 'passport' ? 'passport number' : 'ID number';
  return {
    ok: false,
    problem: `${label} '${raw.trim()}' is not valid; expected 3–30 letters and digits, e.g. A1234567`,
  };
}

/** Document type as finance writes it: TIN/NPWP, NIK/National ID, passport/paspor, other/Other ID. */
export function parseBuyerDocumentType(raw: string): Parsed<BuyerDocumentType> {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  const map: Readonly<Record<string, BuyerDocumentType>> = {
    tin: 'TIN',
    npwp: 'TIN',
    nik: 'NIK',
    'national id': 'NIK',
    passport: 'passport',
    paspor: 'passport',
    other: 'other',
    'other id': 'other',
  };
  const found = map[key];
  if (found) return { ok: true, value: found };
  return {
    ok: false,
    problem: `document type '${raw.trim()}' is not known; expected TIN, NIK, passport or other`,
  };
}

/** ISO 3166-1 alpha-3 country code: IDN for Indonesia. */
export function parseCountry(raw: string): Parsed<string> {
  const text = raw.trim().toUpperCase();
  if (/^[A-Z]{3}$/.test(text)) return { ok: true, value: text };
  return {
    ok: false,
    problem: `country '${raw.trim()}' is not an ISO 3166 alpha-3 code; expected e.g. IDN (Indonesia) or SGP`,
  };
}

function parseNumberFor(type: BuyerDocumentType, raw: string): Parsed<string> {
  if (type === 'TIN') return parseNpwp(raw);
  if (type === 'NIK') return parseNik(raw);
  return parseOtherId(raw, type);
}

export interface BuyerTaxInput {
  readonly documentType?: string | undefined;
  readonly documentNumber?: string | undefined;
  readonly nitku?: string | undefined;
  readonly country?: string | undefined;
}

/**
 * R17: checks a buyer's tax identity as entered. Returns null when nothing was given (the customer can be
 * completed later; `efaktur check` lists it), the identity, or every reason it is refused.
 */
export function parseBuyerTaxIdentity(
  input: BuyerTaxInput,
):
  | { readonly ok: true; readonly value: BuyerTaxIdentity | null }
  | { readonly ok: false; readonly problems: ReadonlyArray<string> } {
  const given = (s: string | undefined) => (s ?? '').trim();
  const [typeRaw, numberRaw, nitkuRaw, countryRaw] = [
    input.documentType,
    input.documentNumber,
    input.nitku,
    input.country,
  ].map(given);
  if (!typeRaw && !numberRaw && !nitkuRaw && !countryRaw) return { ok: true, value: null };
  const problems: string[] = [];
  if (!typeRaw) problems.push('the buyer document type is missing; expected TIN, NIK, passport or other');
  if (!numberRaw)
    problems.push('the buyer document number is missing (the NPWP, NIK, passport or ID number)');
  const type = typeRaw ? parseBuyerDocumentType(typeRaw) : null;
  if (type && !type.ok) problems.push(type.problem);
  const number = type?.ok && numberRaw ? parseNumberFor(type.value, numberRaw) : null;
  if (number && !number.ok) problems.push(number.problem);
  const country = parseCountry(countryRaw || INDONESIA);
  if (!country.ok) problems.push(country.problem);
  const nitku = nitkuRaw ? parseNitku(nitkuRaw) : null;
  if (nitku && !nitku.ok) problems.push(nitku.problem);
  if (problems.length > 0 || !type?.ok || !number?.ok || !country.ok) return { ok: false, problems };
  if (nitku?.ok && (type.value === 'TIN' || type.value === 'NIK') && !nitku.value.startsWith(number.value)) {
    problems.push(
      `NITKU ${nitku.value} does not begin with the ${type.value === 'TIN' ? 'NPWP' : 'NIK'} ${number.value}; its first 16 digits are the ${type.value === 'TIN' ? 'NPWP' : 'NIK'}`,
    );
  }
  if ((type.value === 'TIN' || type.value === 'NIK') && country.value !== INDONESIA) {
    problems.push(
      `a buyer identified by ${type.value === 'TIN' ? 'NPWP' : 'NIK'} is in Indonesia: country must be ${INDONESIA}, not ${country.value}`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      documentType: type.value,
      documentNumber: number.value,
      nitku: nitku?.ok ? nitku.value : null,
      country: country.value,
    },
  };
}

/** R17: the BuyerIDTKU of a buyer: its NITKU, else the head office (number + 000000); 000000 for foreign IDs. */
export function buyerIdtkuOf(identity: BuyerTaxIdentity): string {
  if (identity.nitku) return identity.nitku;
  return identity.documentType === 'TIN' || identity.documentType === 'NIK'
    ? `${identity.documentNumber}000000`
    : '000000';
}
