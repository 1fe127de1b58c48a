import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers, sendLine, tempDir } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

// Issue 17: OTP texts in rejected lines are secrets: kept only while a line may still be fixed, never echoed.

let t: TestDatabase;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME']);
  dir = await tempDir();
  env = { DATABASE_URL: t.url, TAGIH_OUT: path.join(dir, 'out') };
});
afterAll(async () => {
  await t.close();
});

const OCT = '2026-10-05T10:11:12+07:00';
const OTP = 'Kode OTP Anda 482913';

async function writeLog(name: string, lines: ReadonlyArray<string>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

function rejectedOf(file: string) {
  return t.db.selectFrom('rejected_lines').selectAll().where('file', '=', file).orderBy('line_no').execute();
}

describe('issue 17: rejected lines and secrets', () => {
  it("a replayed line keeps only its message text's counted length and hash", async () => {
    const file = await writeLog('late.jsonl', [
      sendLine({ customer: 'LATE', sendingid: 11, sent_at: OCT, message: OTP }),
    ]);
    expect((await runCli('ingest', [file], env)).code).toBe(2);
    expect((await rejectedOf(file))[0]!.raw).toContain(OTP);
    await addCustomers(t.db, ['LATE']);
    const replay = await runCli('ingest', ['--replay'], env);
    expect(replay.stdout).toMatch(/messages loaded: +1/);
    const [row] = await rejectedOf(file);
    expect(row).toMatchObject({ closed_as: 'loaded', message_length: 20 });
    expect(row!.message_sha256).toBe(createHash('sha256').update(OTP).digest('hex'));
    expect(row!.raw).not.toContain('482913');
    expect(JSON.parse(row!.raw)).toMatchObject({ customer: 'LATE', sendingid: 11, number: '081234567890' });
  });

  it('--replay exits 0 when nothing fixable is left; --all-unfixable and --discard close lines with a reason, keeping no text', async () => {
    const file = await writeLog('never.jsonl', [
      `not json ${OTP}`,
      sendLine({ customer: 'ACME', sendingid: 21, sent_at: OCT, number: '12', message: OTP }),
      sendLine({ customer: 'NOBODY', sendingid: 22, sent_at: OCT, message: OTP }),
    ]);
    await runCli('ingest', [file], env);
    const waiting = await runCli('ingest', ['--replay'], env);
    expect(waiting.code).toBe(2);
    expect(waiting.stdout).toMatch(/Still open: 1 line\(s\) a replay can load .*, 2 that can never load/);

    const nobody = (await rejectedOf(file)).find((r) => r.line_no === 3)!;
    expect(nobody.fixable).toBe(true);
    const byId = await runCli(
      'ingest',
      ['--discard', String(nobody.id), '--reason', 'customer left in 2025'],
      env,
    );
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(new RegExp(`Discarded 1 rejected line\\(s\\)[^]*#${nobody.id} `));
    const replay = await runCli('ingest', ['--replay'], env);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/never loads as it is/);
    expect(replay.stdout).toMatch(/--all-unfixable/);

    const all = await runCli(
      'ingest',
      ['--all-unfixable', '--reason', 'garbage from the 2026-10 gateway bug'],
      env,
    );
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/Discarded \d+ rejected line\(s\)/);
    for (const row of await rejectedOf(file)) {
      expect(row.closed_as).toBe('discarded');
      expect(row.raw).not.toContain('482913');
      expect(row.message_sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect((await rejectedOf(file)).map((r) => r.close_note)).toEqual([
      'garbage from the 2026-10 gateway bug',
      'garbage from the 2026-10 gateway bug',
      'customer left in 2025',
    ]);
    expect((await runCli('ingest', ['--replay'], env)).code).toBe(0);
  });

  it('--discard refuses without a reason or with an id that is not an open rejected line, and changes nothing', async () => {
    const file = await writeLog('refused.jsonl', [
      sendLine({ customer: 'NOBODY', sendingid: 61, sent_at: OCT }),
    ]);
    await runCli('ingest', [file], env);
    const [line] = await rejectedOf(file);
    const noReason = await runCli('ingest', ['--discard', String(line!.id)], env);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(/Say why with --reason/);
    const unknown = await runCli(
      'ingest',
      ['--discard', String(line!.id), '999999', '--reason', 'test'],
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Nothing was discarded: #999999 is not an open rejected line/);
    expect((await rejectedOf(file))[0]!.resolved_at).toBeNull();
  });

  it('open lines older than TAGIH_REJECTED_RETENTION_DAYS are closed at the start of every ingest, and said', async () => {
    const file = await writeLog('old.jsonl', [
      sendLine({ customer: 'GONE', sendingid: 31, sent_at: OCT, message: OTP }),
      sendLine({ customer: 'GONE', sendingid: 32, sent_at: OCT, message: OTP }),
    ]);
    await runCli('ingest', [file], env);
    await sql`update rejected_lines set rejected_at = now() - case line_no when 1 then interval '11 days' else interval '9 days' end
      where file = ${file}`.execute(t.db);
    const other = await writeLog('today.jsonl', [
      sendLine({ customer: 'ACME', sendingid: 33, sent_at: OCT }),
    ]);
    const r = await runCli('ingest', [other], { ...env, TAGIH_REJECTED_RETENTION_DAYS: '10' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Closed 1 rejected line(s) open longer than 10 days (TAGIH_REJECTED_RETENTION_DAYS)',
    );
    expect(r.stdout).toContain(`${file}: 1 line(s), 1 of them fixable`);
    const [expired, open] = await rejectedOf(file);
    expect(expired).toMatchObject({ closed_as: 'expired', message_length: 20 });
    expect(expired!.raw).not.toContain('482913');
    expect(open).toMatchObject({ closed_as: null, resolved_at: null });
    expect(open!.raw).toContain(OTP);
  });

  it('TAGIH_REJECTED_RETENTION_DAYS defaults to 30 and refuses what is not a number of days', () => {
    expect(loadConfig({}, dir).rejectedRetentionDays).toBe(30);
    expect(loadConfig({ TAGIH_REJECTED_RETENTION_DAYS: '7' }, dir).rejectedRetentionDays).toBe(7);
    expect(() => loadConfig({ TAGIH_REJECTED_RETENTION_DAYS: '0' }, dir)).toThrow(ConfigError);
    expect(() => loadConfig({ TAGIH_REJECTED_RETENTION_DAYS: 'a month' }, dir)).toThrow(
      /TAGIH_REJECTED_RETENTION_DAYS/,
    );
  });

  it('no reason or output echoes a field value over 40 characters, nor an OTP put in the wrong field', async () => {
    const long = `PT${'X'.repeat(45)}`;
    const file = await writeLog('echo.jsonl', [
      sendLine({ customer: long, sendingid: 41, sent_at: OCT }),
      sendLine({ customer: 'ACME', sendingid: 42, sent_at: OCT, product: `whatsapp_${'y'.repeat(40)}` }),
      sendLine({ customer: 'ACME', sendingid: 43, sent_at: OCT, number: OTP }),
      sendLine({ customer: 'ACME', sendingid: 44, sent_at: OCT, number: '482913' }),
      sendLine({ customer: '482913', sendingid: 45, sent_at: OCT }),
      sendLine({ customer: 'ACME', sendingid: 46, sent_at: '482913' }),
      sendLine({ customer: 'ACME', sendingid: 47, sent_at: OCT, product: OTP }),
      JSON.stringify({
        customer: 'ACME',
        sendingid: OTP,
        number: '081234567890',
        message: 'x',
        sent_at: OCT,
      }),
      JSON.stringify({
        customer: 'ACME',
        sendingid: 49,
        sendingstatus: 482913,
        number: '0812345678',
        message: 'x',
        sent_at: OCT,
      }),
      JSON.stringify({ status_respon: [{ sendingid: 1, deliverystatus: OTP }] }),
    ]);
    const text = await runCli('ingest', [file], env);
    const json = await runCli('ingest', [file, '--json'], env);
    expect(text.stdout).toMatch(/rejected lines: +10/);
    for (const out of [text.stdout + text.stderr, json.stdout + json.stderr]) {
      expect(out).not.toContain('482913');
      expect(out).not.toContain('X'.repeat(41));
      expect(out).not.toContain('y'.repeat(40));
    }
    for (const row of await rejectedOf(file)) {
      expect(row.reason).not.toContain('482913');
      expect(row.reason).not.toMatch(/[Xy]{41}/);
    }
  });

  it('a gzip stream piped to `ingest -` loads; damaged gzip data is one clear line and exit 1, no stack trace', async () => {
    const gz = gzipSync(`${sendLine({ customer: 'ACME', sendingid: 51, sent_at: OCT })}\n`);
    const ok = await runCli('ingest', ['-'], env, gz);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/messages loaded: +1/);
    const broken = await runCli('ingest', ['-'], env, gz.subarray(0, gz.length - 12));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      /^stdin: the gzip data is damaged \(unexpected end of file\) after line 0\./m,
    );
    expect(broken.stderr).not.toMatch(/^\s+at /m);
    const bzip = await runCli('ingest', ['-'], env, Buffer.from('BZh91AY&SY'));
    expect(bzip.code).toBe(1);
    expect(bzip.stderr).toMatch(/stdin: this is bzip2 data; .*bzcat FILE \| npm run ingest -- -/);
  });
});
