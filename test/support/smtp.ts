import { SMTPServer } from 'smtp-server';
import { freePort } from './global-setup.ts';

export interface ReceivedMail {
  /** The message exactly as the server received it after DATA. */
  readonly raw: Buffer;
  /** SMTP envelope: MAIL FROM and every RCPT TO the server accepted. */
  readonly from: string;
  readonly to: ReadonlyArray<string>;
}

/** An SMTP reply to give instead of accepting, e.g. { code: 451, message: 'try again later' }. */
export interface SmtpReply {
  readonly code: number;
  readonly message: string;
}

export interface TestSmtpOptions {
  /** Listen on this port (to bring a "down" server back on the port the config names); default a free one. */
  readonly port?: number;
  /** Decides each RCPT TO; null or undefined accepts. */
  readonly onRcpt?: (address: string) => SmtpReply | null | undefined;
  /** Decides each message after DATA; null or undefined accepts (and records it). */
  readonly onData?: (raw: Buffer) => SmtpReply | null | undefined;
  /** Waits this long before answering DATA, to make concurrent senders overlap. */
  readonly dataDelayMs?: number;
}

export interface TestSmtp {
  readonly port: number;
  /** SMTP_URL for this server. */
  readonly url: string;
  /** Messages accepted so far, in order. */
  readonly received: ReceivedMail[];
  close(): Promise<void>;
}

function smtpError({ code, message }: SmtpReply): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** A real SMTP server (smtp-server) on localhost: no TLS, no login needed, every accepted message kept. */
export async function startTestSmtp(options: TestSmtpOptions = {}): Promise<TestSmtp> {
  const port = options.port ?? (await freePort());
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const reply = options.onRcpt?.(address.address);
      callback(reply ? smtpError(reply) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const answer = () => {
          const reply = options.onData?.(raw);
          if (reply) return callback(smtpError(reply));
          const from = session.envelope.mailFrom;
          received.push({
            raw,
            from: from ? from.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          callback(null);
        };
        if (options.dataDelayMs) setTimeout(answer, options.dataDelayMs);
        else answer();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export { freePort };
