// The invoice's wording and layout carry a version, stored on the invoice (invoices.template_version), so an
// invoice issued under older wording re-renders as it was issued. A wording change adds a version; it never edits
// the file of one already issued.

/** The version new invoices are issued with. */
export const CURRENT_TEMPLATE_VERSION = 3;

const WORDING_FILES: Readonly<Record<number, string>> = {
  1: 'invoice.id-en.json',
  // R6 (PER-11): "Penggantian" for the subtotal of a service instead of "Harga Jual"; the price list in force.
  2: 'invoice-v2.id-en.json',
  // R17: the seller's NPWP and NITKU (marked when they are the demo defaults) and, once imported, the invoice's
  // No. Faktur Pajak.
  3: 'invoice-v3.id-en.json',
};

/** The wording file (under templates/) of a template version; an unknown version is refused, naming it. */
export function wordingFileFor(version: number): string {
  const file = WORDING_FILES[version];
  if (file === undefined) {
    throw new Error(
      `Invoice template version ${version} is not known to this tagih (known: ${Object.keys(WORDING_FILES).join(', ')}). ` +
        'Run the tagih release the invoice was issued with, or add the version to src/documents/invoice-template.ts.',
    );
  }
  return file;
}
