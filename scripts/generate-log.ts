import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { periodOf } from '../src/domain/period.ts';

/** Small, fast, seeded PRNG (mulberry32): the same seed gives the same log, so a rerun is all duplicates. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-like weights: customer k (1-based) sends about 1/k^s of the biggest one. */
export function zipfWeights(count: number, s = 1.1): number[] {
  return Array.from({ length: count }, (_, k) => 1 / (k + 1) ** s);
}

const OPERATOR_PREFIXES: ReadonlyArray<readonly [number, ReadonlyArray<string>]> = [
  [0.45, ['811', '812', '813', '821', '822', '823', '851', '852', '853']],
  [0.2, ['814', '815', '816', '855', '856', '857', '858']],
  [0.18, ['817', '818', '819', '859', '877', '878', '879', '831', '832', '833', '838']],
  [0.09, ['895', '896', '897', '898', '899']],
  [0.05, ['881', '882', '883', '884', '885', '886', '887', '888', '889']],
];

const NOTIFICATION =
  'Halo! Pembayaran Anda sebesar Rp 150.000 untuk pesanan #INV-2026-0042 telah kami terima (lunas). Terima kasih telah berbelanja; pesanan akan dikirim dalam 1-2 hari kerja. Info: https://contoh.co.id/bantuan?ref=wa.';
const SPECIALS = "~`!@#$%&*()_=\\-{}[]:;'><?,./";

function digits(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 10);
  return s;
}

function phoneNumber(rand: () => number): string {
  const r = rand();
  let acc = 0;
  for (const [share, prefixes] of OPERATOR_PREFIXES) {
    acc += share;
    if (r < acc) {
      const prefix = prefixes[Math.floor(rand() * prefixes.length)]!;
      const rest = digits(rand, 8);
      const style = rand();
      if (style < 0.5) return `0${prefix}${rest}`;
      if (style < 0.75) return `62${prefix}${rest}`;
      if (style < 0.9) return `+62 ${prefix}-${rest.slice(0, 4)}-${rest.slice(4)}`;
      if (style < 0.97) return `0062${prefix}${rest}`;
      return `+620${prefix}${rest}`;
    }
  }
  // 3 %: 'other' — a foreign number or an unknown Indonesian prefix; still billed (R4).
  return rand() < 0.5 ? `+65${digits(rand, 8)}` : `0899${digits(rand, 8)}`.replace(/^0899/, '0810');
}

function messageText(rand: () => number): string {
  const r = rand();
  if (r < 0.85) return `Kode OTP Anda ${digits(rand, 6)}. Jangan berikan kode ini kepada siapa pun.`;
  if (r < 0.95) return NOTIFICATION;
  if (r < 0.98) return `${NOTIFICATION} `.repeat(4 + Math.floor(rand() * 4)); // long: 2-4 parts
  if (r < 0.99) return SPECIALS.repeat(10 + Math.floor(rand() * 30)); // special characters count double
  return `Terima kasih 👍🎉 ${'✓'.repeat(Math.floor(rand() * 50))} kode ${digits(rand, 6)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
function wibTimestamp(ms: number, zulu: boolean): string {
  if (zulu) return `${new Date(ms).toISOString().slice(0, 19)}Z`;
  const d = new Date(ms + 7 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+07:00`;
}

export interface LogSpec {
  readonly file: string;
  readonly month: string;
  readonly customers: ReadonlyArray<string>;
  readonly weights: ReadonlyArray<number>;
  readonly messages: number;
  readonly seed: number;
  readonly firstSendingId: number;
  /** Add a few bad lines of every kind (the demo shows how they are reported). */
  readonly badLines: boolean;
}

/**
 * Writes a realistic month of the gateway's log: send records in time order, every operator and number style,
 * OTP and notification texts, long and special-character messages, rejected sends (60–90), and delivery reports
 * (Delivered/Read mostly, some Cancel/Reject, a few arriving before their record).
 */
export async function generateMonthLog(spec: LogSpec): Promise<{ lines: number }> {
  const rand = random(spec.seed);
  const { start, endExclusive } = periodOf(spec.month);
  const span = endExclusive.getTime() - start.getTime();
  const cumulative: number[] = [];
  let total = 0;
  for (const w of spec.weights) {
    total += w;
    cumulative.push(total);
  }
  const pick = () => {
    const r = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return spec.customers[lo]!;
  };
  const out = createWriteStream(spec.file);
  let buffer = '';
  let lines = 0;
  const emit = async (line: string) => {
    buffer += `${line}\n`;
    lines += 1;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  };
  const pending: string[] = [];
  for (let i = 0; i < spec.messages; i++) {
    const sendingid = spec.firstSendingId + i;
    const sentMs = start.getTime() + Math.floor(((i + rand()) / spec.messages) * span);
    const s = rand();
    const sendingstatus = s < 0.97 ? 10 : s < 0.98 ? 60 : s < 0.985 ? 70 : s < 0.99 ? 80 : 90;
    const record = {
      customer: pick(),
      sendingid,
      number: phoneNumber(rand),
      message: sendingstatus === 10 || rand() < 0.5 ? messageText(rand) : '',
      sent_at: wibTimestamp(sentMs, rand() < 0.1),
      sendingstatus,
      product: 'whatsapp_otp',
    };
    if (sendingstatus === 10 && rand() < 0.8) {
      const d = rand();
      const status = d < 0.5 ? 3 : d < 0.9 ? 4 : d < 0.95 ? 2 : d < 0.97 ? 7 : d < 0.99 ? 5 : 6;
      const report = `{"status_respon":[{"sendingid":${sendingid},"number":"${record.number.replace(/\D/g, '')}","deliverystatus":"${status}","deliverystatustext":"status"}]}`;
      if (rand() < 0.005)
        await emit(report); // arrives before its record
      else pending.push(report);
    }
    await emit(JSON.stringify(record));
    while (pending.length > 50) await emit(pending.shift()!);
  }
  for (const report of pending) await emit(report);
  if (spec.badLines) {
    await emit('{"customer":"ACME","sendingid": 1, this is not JSON');
    await emit(
      JSON.stringify({
        customer: 'UNKNOWN',
        sendingid: spec.firstSendingId + spec.messages + 1,
        number: '081234567890',
        message: 'Kode OTP Anda 111111',
        sent_at: wibTimestamp(start.getTime() + 3600_000, false),
      }),
    );
    await emit(
      JSON.stringify({
        customer: spec.customers[0],
        sendingid: spec.firstSendingId + spec.messages + 2,
        number: '081234567890',
        message: 'Kode OTP Anda 222222',
        sent_at: '2026-10-05 10:11:12',
      }),
    );
    await emit(
      JSON.stringify({
        customer: spec.customers[0],
        sendingid: spec.firstSendingId + spec.messages + 3,
        number: '081234567890',
        message: '',
        sent_at: wibTimestamp(start.getTime() + 7200_000, false),
        sendingstatus: 10,
      }),
    );
    await emit(
      JSON.stringify({
        customer: spec.customers[0],
        number: '081234567890',
        message: 'Kode OTP Anda 333333',
        sent_at: wibTimestamp(start.getTime() + 7200_000, false),
      }),
    );
  }
  out.end(buffer);
  await once(out, 'finish');
  return { lines };
}

// Run as a script (by the benchmark, in a child process): argv[2] is the LogSpec as JSON, weights Zipf-sized.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as Omit<LogSpec, 'weights'>;
  const result = await generateMonthLog({ ...spec, weights: zipfWeights(spec.customers.length) });
  process.stdout.write(JSON.stringify(result));
}
