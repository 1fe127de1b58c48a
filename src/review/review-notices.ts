import type { Notice } from './review-templates.ts';

function count(params: URLSearchParams, key: string): number {
  const n = Number(params.get(key));
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** The notice after an action (Post/Redirect/Get): fixed wording with numbers, never text from the URL. */
export function noticeOf(params: URLSearchParams, replaced: string | null): Notice | null {
  switch (params.get('done')) {
    case 'approved': {
      const n = count(params, 'n');
      const sent = count(params, 'sent');
      const failed = count(params, 'failed');
      if (n === 0) {
        return {
          tone: 'warn',
          text: 'Tidak ada faktur yang disetujui: pilih faktur yang menunggu.',
          en: 'Nothing approved: select invoices awaiting review.',
        };
      }
      return {
        tone: failed > 0 ? 'warn' : 'ok',
        text: `${n} faktur disetujui · ${sent} surel terkirim${failed > 0 ? ` · ${failed} surel gagal/tertunda (lihat npm run mail -- list)` : ''}.`,
        en: `${n} approved, ${sent} mail(s) sent${failed > 0 ? `, ${failed} failed or retrying` : ''}.`,
      };
    }
    case 'held':
      return {
        tone: 'ok',
        text: 'Faktur ditahan; surelnya tidak dikirim.',
        en: 'Invoice held; its mail stays back.',
      };
    case 'reissued':
      return {
        tone: 'ok',
        text: `Faktur diterbitkan ulang${replaced ? `, menggantikan ${replaced} (batal)` : ''}. Periksa lalu setujui.`,
        en: 'Reissued under a new number; review and approve it to send.',
      };
    default:
      return null;
  }
}

/** Where the error page's "back" leads: the invoice or month the failed request was about. */
export function backFrom(requestUrl: string): string {
  const p = requestUrl.split('?')[0] ?? '/';
  const invoice = /^\/invoice\/(\d+)/.exec(p);
  if (invoice) return `/invoice/${invoice[1]}`;
  const month = /^\/month\/(\d{4}-\d{2})/.exec(p);
  return month ? `/month/${month[1]}` : '/';
}

/** The error page's title for a status. */
export function errorTitle(status: number): string {
  switch (status) {
    case 403:
      return 'Ditolak · Refused';
    case 409:
      return 'Tidak dapat dilakukan · Not possible';
    case 404:
      return 'Tidak ditemukan · Not found';
    case 401:
      return 'Perlu masuk · Login needed';
    default:
      return 'Gagal · Failed';
  }
}
