// Logs are JSON lines and never keep a secret: no SMTP or database password, no OTP text.
import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/log.ts';
import { memoryLogger } from './support.ts';

describe('logs', () => {
  it.each([
    ['smtp://billing:s3cret@mail.example.id:587', 'smtp://billing:***@mail.example.id:587'],
    ['failed: postgresql://tagih:pw@db:5432/tagih down', 'failed: postgresql://tagih:***@db:5432/tagih down'],
    ['smtps://:only-pass@host', 'smtps://:***@host'],
    ['postgresql://tagih@db/tagih (no password)', 'postgresql://tagih@db/tagih (no password)'],
  ])('scrubs %s', (text, expected) => {
    expect(scrubSecrets(text)).toBe(expected);
  });

  it('one JSON object a line; secret fields censored; errors scrubbed', () => {
    const { log, lines } = memoryLogger();
    log.info(
      { job: 'mail', smtpUrl: 'smtp://u:p@h', config: { databaseUrl: 'postgresql://u:p@h/db' } },
      'hello',
    );
    log.warn({ message_text: 'Kode OTP Anda 123456' }, 'a message');
    log.error({ err: new Error('login to smtp://billing:s3cret@mail.example.id failed') }, 'mail failed');
    const [first, second, third] = lines();
    expect(first).toMatchObject({
      level: 30,
      msg: 'hello',
      job: 'mail',
      smtpUrl: '[redacted]',
      config: { databaseUrl: '[redacted]' },
    });
    expect(typeof first!.time).toBe('string');
    expect(second!.message_text).toBe('[redacted]');
    expect(third!.err).toMatchObject({
      type: 'Error',
      message: 'login to smtp://billing:***@mail.example.id failed',
    });
    expect(JSON.stringify(lines())).not.toMatch(/s3cret|123456|u:p@/);
  });
});
