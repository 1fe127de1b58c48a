// Issue 13: the real `npm run api` in a child process: keys by command, a kill -9 in the middle of a batch, and a
// graceful stop that loses nothing it answered 200.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGatewayKey } from '../../src/api/api-keys.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addCustomers } from '../support/fixtures.ts';
import { runCli } from '../support/run-cli.ts';
import { sendNow } from './support.ts';

const LINES = 20_000;

let t: TestDatabase;
let env: Record<string, string>;
let gatewayKey: string;

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function startServer(script = 'src/cli/api.ts', extra: Record<string, string> = {}): Promise<Server> {
  // node itself (not the tsx wrapper), so the signals reach the server's own process
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(script)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
  });
  child.stderr!.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await until('the API to listen', () => /"url":"(http:[^"]+)"/.exec(out)?.[1]);
  return { child, url, exited, output: () => out };
}

function batch(first: number): string {
  return `${Array.from({ length: LINES }, (_, i) => sendNow(i % 2 ? 'ACME' : 'BETA', first + i)).join('\n')}\n`;
}

function postLog(server: Server, body: string): Promise<Response> {
  return fetch(`${server.url}/v1/gateway/log`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/x-ndjson' },
    body,
  });
}

async function loaded(first: number): Promise<number> {
  const r = await t.pool.query('select count(*)::int as n from messages where sending_id between $1 and $2', [
    first,
    first + LINES - 1,
  ]);
  return r.rows[0].n;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await addCustomers(t.db, ['ACME', 'BETA']);
  gatewayKey = (await addGatewayKey(t.db, 'gateway-main')).key;
  env = {
    DATABASE_URL: t.url,
    TAGIH_API_LISTEN: '127.0.0.1:0',
    TAGIH_API_MAX_BODY_BYTES: String(16 * 1024 * 1024),
    TAGIH_LOG_FORMAT: 'json',
  };
});
afterAll(async () => {
  await t.close();
});

describe('npm run api -- keys, npm run customers -- apikey / api-ips', () => {
  it('issue 13: a gateway key is shown once, listed by its first characters, stored only hashed, revoked by name', async () => {
    const added = await runCli('api', ['keys', 'add', 'gateway-1', '--json'], env);
    expect(added.code).toBe(0);
    const key = JSON.parse(added.stdout).key;
    expect(key).toMatch(/^tgk_[A-Za-z0-9_-]{43}$/);
    const again = await runCli('api', ['keys', 'add', 'gateway-1'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already active/);
    const listed = await runCli('api', ['keys', 'list'], env);
    expect(listed.stdout).toContain('gateway-1');
    expect(listed.stdout).toContain(key.slice(0, 12));
    expect(listed.stdout).not.toContain(key);
    const stored = await t.pool.query('select * from api_keys');
    expect(JSON.stringify(stored.rows)).not.toContain(key.slice(12));
    await runCli('api', ['keys', 'add', 'old-one'], env);
    const revoked = await runCli('api', ['keys', 'revoke', 'old-one'], env);
    expect(revoked.stdout).toMatch(/Revoked gateway key 'old-one'/);
    expect((await runCli('api', ['keys', 'revoke', 'old-one'], env)).code).toBe(1);
  });

  it('issue 13: a customer key and its IP allow-list by command; bad input is refused with what to do', async () => {
    const issued = await runCli('customers', ['apikey', 'ACME', '--json'], env);
    expect(issued.code).toBe(0);
    expect(JSON.parse(issued.stdout).key).toMatch(/^tck_/);
    expect((await runCli('customers', ['apikey', 'NOBODY'], env)).stderr).toMatch(/No customer 'NOBODY'/);
    const ips = await runCli(
      'customers',
      ['api-ips', 'ACME', '203.0.113.0/24', '198.51.100.7', '--json'],
      env,
    );
    expect(JSON.parse(ips.stdout).networks).toEqual(['198.51.100.7/32', '203.0.113.0/24']);
    const bad = await runCli('customers', ['api-ips', 'ACME', '203.0.113.7/24'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/host bits set/);
    const cleared = await runCli('customers', ['api-ips', 'ACME', '--clear'], env);
    expect(cleared.stdout).toMatch(/any address/);
  });
});

describe('the API process', () => {
  it('issue 13: the real server, whose parser thread parses the lines, answers per line as the file ingest would', async () => {
    const server = await startServer();
    const res = await postLog(
      server,
      `${sendNow('ACME', 4_000_000)}\n{"customer":\n${sendNow('NOPE', 4_000_001)}\n`,
    );
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { lines: unknown[] };
    expect(answer).toMatchObject({ accepted: 1, rejected: 2 });
    expect(answer.lines[0]).toEqual({ line: 1, outcome: 'accepted', sendingid: 4_000_000 });
    expect(answer.lines[1]).toMatchObject({
      line: 2,
      outcome: 'rejected',
      reason: expect.stringContaining('not valid JSON'),
    });
    expect(answer.lines[2]).toMatchObject({
      line: 3,
      outcome: 'rejected',
      reason: expect.stringContaining('NOPE'),
    });
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('issue 13: a customer added while the server runs is known to its next batch: the parser thread is sent the new context', async () => {
    const server = await startServer();
    const lineFor = async (code: string, id: number) => {
      const res = await postLog(server, `${sendNow(code, id)}\n`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { lines: Array<{ outcome: string; reason?: string }> }).lines[0]!;
    };
    // Two batches on the context kept: the thread is sent only their clock the second time.
    expect(await lineFor('ACME', 4_100_000)).toMatchObject({ outcome: 'accepted' });
    expect(await lineFor('LAMBDA', 4_100_001)).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringContaining("unknown customer 'LAMBDA'"),
    });
    await addCustomers(t.db, ['LAMBDA']);
    expect(await lineFor('LAMBDA', 4_100_002)).toMatchObject({ outcome: 'accepted' });
    expect(await lineFor('ACME', 4_100_003)).toMatchObject({ outcome: 'accepted' });
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });

  it('issue 13: kill -9 during a batch leaves all or nothing of it; the retry then gives exact counts', async () => {
    const server = await startServer();
    const body = batch(2_000_000);
    const answer = postLog(server, body).catch(() => null);
    await until('the batch to reach the loader', () => server.output().includes('batch received'));
    server.child.kill('SIGKILL');
    expect((await server.exited).signal).toBe('SIGKILL');
    await answer;
    const before = await loaded(2_000_000);
    expect([0, LINES]).toContain(before);

    const restarted = await startServer();
    const retry = await postLog(restarted, body);
    expect(retry.status).toBe(200);
    const counts = await retry.json();
    expect(counts).toMatchObject({ accepted: LINES - before, duplicate: before, rejected: 0 });
    expect(await loaded(2_000_000)).toBe(LINES);
    restarted.child.kill('SIGTERM');
    expect((await restarted.exited).code).toBe(0);
  });

  it('issue 13: SIGTERM during a batch: the batch commits and is answered 200, then the server stops', async () => {
    const server = await startServer();
    const answer = postLog(server, batch(3_000_000));
    await until('the batch to reach the loader', () => server.output().includes('batch received'));
    server.child.kill('SIGTERM');
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accepted: LINES, rejected: 0 });
    expect((await server.exited).code).toBe(0);
    expect(await loaded(3_000_000)).toBe(LINES);
    expect(server.output()).toContain('API stopped');
    expect(server.output()).not.toContain('918273');
  });

  it('issue 13: npm start serves the API too when TAGIH_API_LISTEN is set, and stops it on SIGTERM', async () => {
    const off = Object.fromEntries(
      ['ROLLUP', 'SETTLE', 'INVOICE', 'QUOTA', 'REMINDERS', 'MAIL'].map((j) => [`TAGIH_CRON_${j}`, 'off']),
    );
    const daemon = await startServer('src/cli/start.ts', off);
    const permission = await fetch(`${daemon.url}/v1/customers/ACME/permission`, {
      headers: { authorization: `Bearer ${gatewayKey}` },
    });
    expect(permission.status).toBe(200);
    daemon.child.kill('SIGTERM');
    expect((await daemon.exited).code).toBe(0);
    expect(daemon.output()).toContain('API stopped');
  });
});
