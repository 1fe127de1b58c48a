import { describe, expect, it } from 'vitest';
import {
  buyerIdtkuOf,
  parseBuyerDocumentType,
  parseBuyerTaxIdentity,
  parseCountry,
  parseNik,
  parseNitku,
  parseNpwp,
} from '../../src/domain/tax-ids.ts';

describe('R17 tax identities', () => {
  it.each([
    ['0012345678012000', '0012345678012000'],
    ['01.234.567.8-012.000', '0012345678012000'],
    ['012345678012000', '0012345678012000'],
    [' 3174 0123 4567 0001 ', '3174012345670001'],
  ])('R17: NPWP %s is %s (15 digits get the leading 0 Coretax gives them)', (raw, value) => {
    expect(parseNpwp(raw)).toEqual({ ok: true, value });
  });

  it.each(['', '12345', '00123456780120001', '01.234.567.8-012.00A'])(
    'R17: NPWP %j is refused naming the form',
    (raw) => {
      const r = parseNpwp(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problem).toMatch(/expected 16 digits .* old 15-digit form/);
    },
  );

  it('R17: NIK is 16 digits, NITKU 22, country ISO alpha-3; each refusal names the expected form', () => {
    expect(parseNik('3174012345670001')).toEqual({ ok: true, value: '3174012345670001' });
    expect(parseNik('317401234567000')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/16 digits/),
    });
    expect(parseNitku('0012345678012000000000')).toEqual({ ok: true, value: '0012345678012000000000' });
    expect(parseNitku('0012345678012000')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/22 digits/),
    });
    expect(parseCountry('sgp')).toEqual({ ok: true, value: 'SGP' });
    expect(parseCountry('Indonesia')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/alpha-3.*IDN/),
    });
    expect(parseBuyerDocumentType('National ID')).toEqual({ ok: true, value: 'NIK' });
    expect(parseBuyerDocumentType('npwp')).toEqual({ ok: true, value: 'TIN' });
    expect(parseBuyerDocumentType('KTP')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/TIN, NIK, passport or other/),
    });
  });

  it('R17: a buyer identity: nothing given is null, a partial one is refused with every reason', () => {
    expect(parseBuyerTaxIdentity({})).toEqual({ ok: true, value: null });
    expect(parseBuyerTaxIdentity({ documentType: 'TIN' })).toEqual({
      ok: false,
      problems: ['the buyer document number is missing (the NPWP, NIK, passport or ID number)'],
    });
    const r = parseBuyerTaxIdentity({ documentNumber: '0012345678012000', nitku: '1', country: 'XX' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toHaveLength(3);
  });

  it('R17: the NITKU begins with the NPWP; an NPWP buyer is in Indonesia', () => {
    expect(
      parseBuyerTaxIdentity({
        documentType: 'TIN',
        documentNumber: '0012345678012000',
        nitku: '0099999999999999000000',
      }),
    ).toMatchObject({ ok: false, problems: [expect.stringMatching(/does not begin with the NPWP/)] });
    expect(
      parseBuyerTaxIdentity({ documentType: 'TIN', documentNumber: '0012345678012000', country: 'SGP' }),
    ).toMatchObject({ ok: false, problems: [expect.stringMatching(/country must be IDN/)] });
  });

  it('R17: BuyerIDTKU is the NITKU, else the head office (number + 000000), 000000 for a passport', () => {
    const tin = parseBuyerTaxIdentity({ documentType: 'TIN', documentNumber: '01.234.567.8-012.000' });
    expect(tin).toEqual({
      ok: true,
      value: { documentType: 'TIN', documentNumber: '0012345678012000', nitku: null, country: 'IDN' },
    });
    if (tin.ok && tin.value) expect(buyerIdtkuOf(tin.value)).toBe('0012345678012000000000');
    expect(
      buyerIdtkuOf({ documentType: 'NIK', documentNumber: '3174012345670001', nitku: null, country: 'IDN' }),
    ).toBe('3174012345670001000000');
    expect(
      buyerIdtkuOf({ documentType: 'passport', documentNumber: 'A1234567', nitku: null, country: 'SGP' }),
    ).toBe('000000');
  });
});
