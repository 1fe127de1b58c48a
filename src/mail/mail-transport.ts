import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Config } from '../config.ts';
import { writeFileAtomic } from '../documents/write-atomic.ts';
import { retryRecipientsOf } from './outbox.ts';
import type { OutboxRow, RenderedMail } from './render-mail.ts';

export interface RefusedRecipient {
  readonly recipient: string;
  readonly response: string;
  readonly code: number | null;
}

export interface Delivered {
  readonly response: string;
  readonly file: string | null;
  /** Recipients the server refused while it took the others: the mail went, but not to them. */
  readonly refused: ReadonlyArray<RefusedRecipient>;
}

export interface Deliverer {
  send(row: OutboxRow, message: SendMailOptions): Promise<Delivered>;
  close(): void;
}

/** Through SMTP_URL; timeouts are added to the URL's own options unless it sets them. */
export function smtpDeliverer(smtpUrl: string, timeoutMs: number | undefined): Deliverer {
  const url = new URL(smtpUrl);
  if (timeoutMs !== undefined) {
    for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
      if (!url.searchParams.has(key)) url.searchParams.set(key, String(timeoutMs));
    }
  }
  const transporter = nodemailer.createTransport(url.toString());
  return {
    async send(_row, message) {
      const info = await transporter.sendMail(message);
      const refused = (info.rejectedErrors ?? []).map((e) => {
        const err = e as { recipient?: unknown; response?: unknown; responseCode?: unknown; message: string };
        return {
          recipient: String(err.recipient ?? ''),
          response: typeof err.response === 'string' ? err.response : err.message,
          code: typeof err.responseCode === 'number' ? err.responseCode : null,
        };
      });
      return { response: info.response, file: null, refused };
    },
    close: () => transporter.close(),
  };
}

/** Without SMTP_URL: each mail as <out>/outbox/<id>-<kind>.eml, a complete message that opens with its attachments. */
export function emlDeliverer(outDir: string): Deliverer {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    async send(row, message) {
      const info = await transporter.sendMail(message);
      const file = path.join(outDir, 'outbox', `${row.id}-${row.kind}.eml`);
      await writeFileAtomic(file, info.message as Buffer);
      return { response: `written to ${file}`, file, refused: [] };
    },
    close: () => transporter.close(),
  };
}

export function messageOf(config: Config, row: OutboxRow, mail: RenderedMail): SendMailOptions {
  const only = retryRecipientsOf(row);
  return {
    // The same message (headers, Message-ID) to the deferred recipients only: the others have it already.
    ...(only ? { envelope: { from: config.mailFrom, to: only } } : {}),
    from: config.mailFrom,
    replyTo: config.company.email,
    to: mail.to.map((a) => ({ name: a.name, address: a.address })),
    cc: [...mail.cc],
    bcc: [...mail.bcc],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    // Fixed when the mail was queued: a resend after an uncertain failure carries the same id (issue 4).
    messageId: row.message_id,
    headers: { 'X-Tagih-Mail': `${row.id} ${row.kind}` },
    // base64 keeps every byte, line ends included, so the files arrive identical to the ones on disk.
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      contentTransferEncoding: 'base64',
      ...(a.path === undefined ? { content: a.content } : { path: a.path }),
    })),
  };
}
