// Issue 16: src/launch.mjs, how every npm script starts a command (one esbuild bundle, run by plain Node.js).
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandArgs, launchArgs } from '../../src/launch-args.ts';
import { tempDir } from '../support/fixtures.ts';
import { runNode } from '../support/run-cli.ts';

const root = path.resolve(import.meta.dirname, '../..');

function launch(entry: string, args: ReadonlyArray<string>, env: Record<string, string>) {
  return runNode([...launchArgs(entry), ...args], { TAGIH_DEBUG: '', ...env });
}

let dir: string;
let cache: string;
const entry = () => path.join(dir, 'entry.ts');
const helper = () => path.join(dir, 'sub', 'helper.ts');

beforeAll(async () => {
  // The entry inside the project (in the ignored .data/), so that its package import resolves and tsx, which leaves
  // node_modules alone, would compile it; the bundles kept elsewhere.
  await mkdir(path.join(root, '.data'), { recursive: true });
  dir = await mkdtemp(path.join(root, '.data', 'launch-test-'));
  cache = path.join(await tempDir('tagih-launch-'), 'cache');
  await mkdir(path.join(dir, 'sub'));
  // A package import (resolved from the project's node_modules), a module in another folder, typed TypeScript,
  // and the file values of import.meta in both files.
  await writeFile(
    entry(),
    [
      "import { Command } from 'commander';",
      "import { helperFile, word } from './sub/helper.ts';",
      'const n: number = new Command().name.length;',
      'console.log(JSON.stringify({ url: import.meta.url, dirname: import.meta.dirname,',
      '  filename: import.meta.filename, helper: helperFile, word, argv: process.argv.slice(1), n }));',
    ].join('\n'),
  );
  await writeFile(
    helper(),
    "export const helperFile: string = import.meta.url;\nexport const word = 'one';\n",
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('src/launch.mjs', () => {
  it('runs an entry as one bundle: each file keeps its own import.meta values, the command its own argv', async () => {
    const r = await launch(entry(), ['--month', '2026-10'], { TAGIH_BUILD_CACHE: cache });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      url: pathToFileURL(entry()).href,
      dirname: dir,
      filename: entry(),
      helper: pathToFileURL(helper()).href,
      word: 'one',
      argv: [entry(), '--month', '2026-10'],
    });
    const files = await readdir(cache);
    expect(files.filter((f) => f.endsWith('.mjs'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    // No TypeScript loader in the process: the bundle is plain JavaScript, its package import left to Node.
    const bundle = await readFile(path.join(cache, files.find((f) => f.endsWith('.mjs'))!), 'utf8');
    expect(bundle).toContain(`from "${pathToFileURL(path.join(root, 'node_modules/commander')).href}/`);
    expect(bundle).not.toMatch(/: number/);
  });

  it('reuses the bundle while no input changed, and builds it again when one did', async () => {
    const env = { TAGIH_BUILD_CACHE: cache };
    await launch(entry(), [], env);
    const manifest = (await readdir(cache)).find((f) => f.endsWith('.json'))!;
    const before = (await stat(path.join(cache, manifest))).mtimeMs;
    const again = await launch(entry(), [], env);
    expect(JSON.parse(again.stdout).word).toBe('one');
    expect((await stat(path.join(cache, manifest))).mtimeMs).toBe(before);

    await writeFile(
      helper(),
      "export const helperFile: string = import.meta.url;\nexport const word = 'two';\n",
    );
    const changed = await launch(entry(), [], env);
    expect(JSON.parse(changed.stdout).word).toBe('two');
    expect((await stat(path.join(cache, manifest))).mtimeMs).toBeGreaterThan(before);
  });

  it('a file that does not compile: esbuild says where, exit code 1, no stack trace', async () => {
    const bad = path.join(dir, 'bad.ts');
    await writeFile(bad, 'const x: number = ;\n');
    const r = await launch(bad, [], { TAGIH_BUILD_CACHE: cache });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Unexpected ";"/);
    expect(r.stderr).toContain('bad.ts:1:18');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a cache folder that cannot be made: runs from source with tsx, and says so', async () => {
    const file = path.join(path.dirname(cache), 'not-a-folder');
    await writeFile(file, '');
    const r = await launch(entry(), ['x'], { TAGIH_BUILD_CACHE: path.join(file, 'cache') });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /could not prepare the bundled build in .*not-a-folder\/cache .*running from source/,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ url: pathToFileURL(entry()).href, argv: [entry(), 'x'] });
  });

  it('TAGIH_DEBUG: a stack trace names the TypeScript file and line', async () => {
    const thrower = path.join(dir, 'throws.ts');
    await writeFile(thrower, "function boom(): never {\n  throw new Error('boom');\n}\nboom();\n");
    const r = await launch(thrower, [], { TAGIH_BUILD_CACHE: cache, TAGIH_DEBUG: '1' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`at boom (${thrower}:2:9)`);
  });

  it('every npm script that runs a TypeScript file starts it through the launcher', async () => {
    const scripts = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    const typescript = Object.entries(scripts).filter(([, command]) => /\.ts\b/.test(command));
    expect(typescript.length).toBeGreaterThan(20);
    // A command's script is what commandArgs() starts: the same heap for the tests, the benchmark and the workers.
    const relative = (args: string[]) =>
      ['node', ...args.map((x) => (path.isAbsolute(x) ? path.relative(root, x) : x))].join(' ');
    for (const [name, command] of typescript) {
      const cli = /^node .* src\/cli\/([\w-]+)\.ts$/.exec(command)?.[1];
      if (cli) expect([name, command]).toEqual([name, relative(commandArgs(cli))]);
    }
    expect(scripts.ingest).not.toContain('--max-semi-space-size');
    expect(scripts.invoice).toContain('--max-semi-space-size=4');
    for (const [name, command] of typescript)
      expect([name, command]).toEqual([
        name,
        expect.stringMatching(/^node --max-old-space-size=160 (--max-semi-space-size=4 )?src\/launch\.mjs /),
      ]);
  });
});
