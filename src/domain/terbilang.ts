// "Terbilang": an amount in Indonesian words, as printed under the invoice total.
import { assertRupiah, type Rupiah } from './money.ts';

const UNITS = ['', 'satu', 'dua', 'tiga', 'empat', 'lima', 'enam', 'tujuh', 'delapan', 'sembilan'];
// Groups of three digits, from the lowest; Number.MAX_SAFE_INTEGER is below 10^16.
const SCALES = ['', 'ribu', 'juta', 'miliar', 'triliun', 'kuadriliun'];

/** Words for 1–999. */
function below1000(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const words: string[] = [];
  if (hundreds === 1) words.push('seratus');
  else if (hundreds > 1) words.push(`${UNITS[hundreds]} ratus`);
  if (rest === 10) words.push('sepuluh');
  else if (rest === 11) words.push('sebelas');
  else if (rest >= 12 && rest <= 19) words.push(`${UNITS[rest - 10]} belas`);
  else if (rest >= 20) {
    words.push(`${UNITS[Math.floor(rest / 10)]} puluh`);
    if (rest % 10 > 0) words.push(UNITS[rest % 10]!);
  } else if (rest > 0) words.push(UNITS[rest]!);
  return words.join(' ');
}

/**
 * Lower-case Indonesian words: terbilang(1234567) ===
 * 'satu juta dua ratus tiga puluh empat ribu lima ratus enam puluh tujuh'. 1000 is 'seribu' (only the
 * thousands take the se- form: 1_000_000 is 'satu juta'); negative amounts start with 'minus'.
 */
export function terbilang(n: Rupiah): string {
  assertRupiah(n, 'Amount to write in words');
  if (n === 0) return 'nol';
  if (n < 0) return `minus ${terbilang(-n)}`;
  const words: string[] = [];
  let rest = n;
  for (let scale = 0; rest > 0; scale++) {
    const group = rest % 1000;
    rest = (rest - group) / 1000;
    if (group === 0) continue;
    if (scale === 1 && group === 1) words.unshift('seribu');
    else words.unshift(scale === 0 ? below1000(group) : `${below1000(group)} ${SCALES[scale]}`);
  }
  return words.join(' ');
}

/** The invoice line: terbilangRupiah(1500) === 'Seribu lima ratus rupiah'. */
export function terbilangRupiah(n: Rupiah): string {
  const words = terbilang(n);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} rupiah`;
}
