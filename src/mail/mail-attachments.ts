import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { writeInvoiceFiles } from '../billing/invoicing/invoice-files.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { existingDetail, invoicePathsOf } from '../documents/invoice-paths.ts';
import type { AttachmentFacts } from './mail-view.ts';

/** One attachment: a file sent as it is on disk, or bytes made for the mail (a gzipped detail). */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly path?: string;
  readonly content?: Buffer;
}

export interface InvoiceAttachments {
  readonly attachments: ReadonlyArray<MailAttachment>;
  readonly facts: AttachmentFacts;
  /** Set when the detail was left out, for the run's report. */
  readonly note: string | null;
}

interface InvoiceRef {
  readonly invoiceId: number;
  readonly number: string;
  readonly customerCode: string;
  /** 'YYYY-MM-01' */
  readonly period: string;
}

function filesOf(config: Config, invoice: InvoiceRef) {
  const paths = invoicePathsOf(
    config.outDir,
    invoice.period.slice(0, 7),
    invoice.number,
    invoice.customerCode,
  );
  return { folder: paths.folder, pdf: paths.pdf, detail: existingDetail(paths) };
}

class TooLarge extends Error {}

/** Gzips a file in memory, giving up (null) as soon as the result passes `limit` bytes. */
async function gzipWithin(file: string, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) return done(new TooLarge());
      chunks.push(chunk);
      done();
    },
  });
  try {
    await pipeline(createReadStream(file), createGzip({ level: 9 }), collect);
  } catch (error) {
    if (error instanceof TooLarge) return null;
    throw error;
  }
  return Buffer.concat(chunks);
}

/**
 * R14: an invoice's PDF and usage detail CSV, as written by the invoice run (rendered now if missing). A detail over
 * `mailAttachmentLimitBytes` is gzipped; still over, it is left out and the mail says it is available on request.
 */
export async function invoiceAttachments(
  database: Database,
  config: Config,
  invoice: InvoiceRef,
): Promise<InvoiceAttachments> {
  let files = filesOf(config, invoice);
  if (!existsSync(files.pdf) || files.detail === null) {
    await writeInvoiceFiles(database, config, invoice.invoiceId);
    files = filesOf(config, invoice);
  }
  if (!existsSync(files.pdf) || files.detail === null) {
    throw new Error(
      `The PDF or usage detail of ${invoice.number} is missing in ${files.folder} and could not be written; ` +
        `run 'npm run invoice -- --month ${invoice.period.slice(0, 7)}' and send again.`,
    );
  }
  const pdf: MailAttachment = {
    filename: path.basename(files.pdf),
    contentType: 'application/pdf',
    path: files.pdf,
  };
  const limit = config.mailAttachmentLimitBytes;
  const detailName = path.basename(files.detail);
  const detailSize = (await stat(files.detail)).size;
  const gzipped = detailName.endsWith('.gz');
  if (detailSize <= limit) {
    return {
      attachments: [
        pdf,
        {
          filename: detailName,
          contentType: gzipped ? 'application/gzip' : 'text/csv; charset=utf-8',
          path: files.detail,
        },
      ],
      facts: { pdf: pdf.filename, detail: detailName, detailGzipped: gzipped, detailOmitted: false },
      note: null,
    };
  }
  const packed = gzipped ? null : await gzipWithin(files.detail, limit);
  if (packed) {
    return {
      attachments: [pdf, { filename: `${detailName}.gz`, contentType: 'application/gzip', content: packed }],
      facts: { pdf: pdf.filename, detail: `${detailName}.gz`, detailGzipped: true, detailOmitted: false },
      note: null,
    };
  }
  return {
    attachments: [pdf],
    facts: { pdf: pdf.filename, detail: null, detailGzipped: false, detailOmitted: true },
    note:
      `${invoice.number} (${invoice.customerCode}): the usage detail ${files.detail} is over the mail limit of ` +
      `${limit} bytes even gzipped; the mail says it is available on request — send it another way.`,
  };
}
