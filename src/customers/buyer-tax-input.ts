import { type BuyerTaxIdentity, parseBuyerTaxIdentity, parseNpwp } from '../domain/tax-ids.ts';

/** R17: the optional customer columns of the buyer's tax identity (CSV import, `customers add`, update). */
export const BUYER_TAX_COLUMNS = [
  'buyer_document',
  'buyer_document_number',
  'buyer_nitku',
  'buyer_country',
] as const;

/**
 * R17: reads the buyer's tax identity of a customer row. The older `npwp` column counts as a TIN identity
 * when no buyer_document is given (a 15-digit NPWP gets its leading 0); given both, they must agree.
 * Returns null when the row holds no tax identity at all.
 */
export function parseBuyerTaxColumns(
  row: Readonly<Record<string, string | undefined>>,
):
  | { readonly ok: true; readonly identity: BuyerTaxIdentity | null }
  | { readonly ok: false; readonly reasons: ReadonlyArray<string> } {
  const npwpRaw = (row.npwp ?? '').trim();
  const npwp = npwpRaw ? parseNpwp(npwpRaw) : null;
  if (npwp && !npwp.ok) return { ok: false, reasons: [npwp.problem] };
  const typeGiven = (row.buyer_document ?? '').trim() !== '';
  const parsed = parseBuyerTaxIdentity({
    documentType: typeGiven ? row.buyer_document : npwp ? 'TIN' : undefined,
    documentNumber:
      (row.buyer_document_number ?? '').trim() || (!typeGiven && npwp?.ok ? npwp.value : undefined),
    nitku: row.buyer_nitku,
    country: row.buyer_country,
  });
  if (!parsed.ok) return { ok: false, reasons: parsed.problems };
  const identity = parsed.value;
  if (npwp?.ok && identity?.documentType === 'TIN' && identity.documentNumber !== npwp.value) {
    return {
      ok: false,
      reasons: [
        `npwp ${npwp.value} and buyer_document_number ${identity.documentNumber} differ; give one NPWP (or leave npwp empty)`,
      ],
    };
  }
  return { ok: true, identity };
}

/** The identity as stored in the customers table's buyer_* columns. */
export function buyerTaxColumnsOf(identity: BuyerTaxIdentity | null | undefined): {
  buyer_document: BuyerTaxIdentity['documentType'] | null;
  buyer_document_number: string | null;
  buyer_nitku: string | null;
  buyer_country: string;
} {
  return {
    buyer_document: identity?.documentType ?? null,
    buyer_document_number: identity?.documentNumber ?? null,
    buyer_nitku: identity?.nitku ?? null,
    buyer_country: identity?.country ?? 'IDN',
  };
}

/** The identity from the customers table's buyer_* columns (null when not entered). */
export function buyerTaxIdentityFrom(row: {
  readonly buyer_document: BuyerTaxIdentity['documentType'] | null;
  readonly buyer_document_number: string | null;
  readonly buyer_nitku: string | null;
  readonly buyer_country: string;
}): BuyerTaxIdentity | null {
  if (row.buyer_document === null || row.buyer_document_number === null) return null;
  return {
    documentType: row.buyer_document,
    documentNumber: row.buyer_document_number,
    nitku: row.buyer_nitku,
    country: row.buyer_country,
  };
}

/** Two identities are the same (for 'unchanged' on a second import). */
export function sameBuyerTax(
  a: BuyerTaxIdentity | null | undefined,
  b: BuyerTaxIdentity | null | undefined,
): boolean {
  const x = buyerTaxColumnsOf(a);
  const y = buyerTaxColumnsOf(b);
  return (
    x.buyer_document === y.buyer_document &&
    x.buyer_document_number === y.buyer_document_number &&
    x.buyer_nitku === y.buyer_nitku &&
    x.buyer_country === y.buyer_country
  );
}
