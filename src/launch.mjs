// Issue 16: how every command runs (package.json): `node src/launch.mjs src/cli/invoice.ts ARGS…`.
//
// A command used to run under tsx, a TypeScript loader: its hooks run on a thread of their own with a V8 heap and a
// module cache of their own, and every file is compiled as it is imported. That cost each process about 60 MB of
// RSS and 0.6 s before the first line of work (`invoice --help`: 1.2 s and 160 MB under tsx, 0.6 s and 100 MB
// bundled). Instead the entry file and everything of tagih's it imports are bundled by esbuild (the compiler tsx
// itself runs) into one plain-JavaScript module, kept in node_modules/.cache/tagih/, and imported by plain Node.js.
//
// - Packages stay outside the bundle and are imported from their installed files, as before
//   (src/installed-packages.mjs), so the bundle may be kept anywhere.
// - import.meta.url, dirname and filename are replaced in each file by that file's own values, so the templates,
//   fonts and migrations found beside a file are found as before.
// - The bundle is built again only when one of its input files (or this one) changed size or time since the last
//   build; otherwise the command starts without esbuild at all.
// - TAGIH_DEBUG=1 builds with a source map, so the stack traces it prints name the TypeScript files and lines.
// - If the cache folder (TAGIH_BUILD_CACHE) cannot be written, the command runs from source under tsx, as it used
//   to, and says so on standard error.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installedPackages, nodeResolution } from './installed-packages.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** TAGIH_BUILD_CACHE: where the bundles are kept, for an installation whose node_modules is read-only. */
const CACHE = path.resolve(
  process.env.TAGIH_BUILD_CACHE || path.join(ROOT, 'node_modules', '.cache', 'tagih'),
);
const SELF = fileURLToPath(import.meta.url);
/** A bundle no longer current is removed once it is this old (a process started just before may still load it). */
const STALE_MS = 10 * 60_000;

const [entryArg, ...rest] = process.argv.slice(2);
if (!entryArg) {
  process.stderr.write('usage: node src/launch.mjs <entry.ts> [arguments…]\n');
  process.exit(2);
}
const entry = path.resolve(entryArg);
// The command sees itself as `node <entry.ts> arguments…`, as under tsx.
process.argv = [process.argv[0], entry, ...rest];

const debug = Boolean(process.env.TAGIH_DEBUG);
const key = `${path.relative(ROOT, entry).replace(/[^\w-]+/g, '_')}${debug ? '-debug' : ''}`;
const manifestFile = path.join(CACHE, `${key}.json`);

/** Size and time of a file, the key a cached bundle is checked against. */
async function signature(file) {
  const s = await stat(file);
  return `${s.size}:${s.mtimeMs}`;
}

/** The bundle of the last build, if none of its inputs changed since. */
async function currentBundle() {
  let manifest;
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  } catch {
    return null;
  }
  if (manifest.node !== process.version) return null;
  try {
    const inputs = Object.entries(manifest.inputs);
    const now = await Promise.all(inputs.map(([file]) => signature(path.join(ROOT, file))));
    if (inputs.some(([, sig], i) => sig !== now[i])) return null;
    const bundle = path.join(CACHE, manifest.bundle);
    await stat(bundle);
    return bundle;
  } catch {
    return null; // an input or the bundle is gone
  }
}

/** Each TypeScript file of tagih's as it is, except that import.meta's file values become its own. */
const fileValues = {
  name: 'file-values',
  setup(build) {
    build.onLoad({ filter: /\.m?ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const values = {
        url: JSON.stringify(pathToFileURL(args.path).href),
        dirname: JSON.stringify(path.dirname(args.path)),
        filename: JSON.stringify(args.path),
      };
      // Not inside a string: worker-bundle.ts names 'import.meta.url' as a key of its own esbuild build.
      const contents = source.replace(
        /(?<![\w'"`.])import\.meta\.(url|dirname|filename)\b/g,
        (_, k) => values[k],
      );
      return { contents, loader: 'ts' };
    });
  },
};

class BuildFailed extends Error {}

async function buildBundle() {
  const esbuild = await import('esbuild');
  let result;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: ROOT,
      outfile: path.join(CACHE, `${key}.mjs`), // not written (write: false): it makes the source map's paths right
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      ...nodeResolution,
      sourcemap: debug ? 'inline' : false,
      logLevel: 'silent',
      plugins: [fileValues, installedPackages],
    });
  } catch (error) {
    // esbuild's own report of what does not compile, file and line: a developer's error, not the cache's.
    const messages = await esbuild.formatMessages(error.errors ?? [], { kind: 'error' }).catch(() => []);
    throw new BuildFailed(messages.join('') || String(error.message ?? error));
  } finally {
    await esbuild.stop();
  }
  const code = result.outputFiles[0].text;
  const bundleName = `${key}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), path.relative(ROOT, SELF)])
    inputs[file] = await signature(path.join(ROOT, file));
  await mkdir(CACHE, { recursive: true });
  const bundle = path.join(CACHE, bundleName);
  await atomicWrite(bundle, code);
  await atomicWrite(manifestFile, JSON.stringify({ node: process.version, bundle: bundleName, inputs }));
  await removeStale(bundleName);
  return bundle;
}

/** Written beside and renamed into place, so a process starting at the same time never reads half a file. */
async function atomicWrite(file, text) {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

async function removeStale(current) {
  const now = Date.now();
  for (const name of await readdir(CACHE)) {
    if (!name.startsWith(`${key}-`) || name === current || !name.endsWith('.mjs')) continue;
    const file = path.join(CACHE, name);
    const s = await stat(file).catch(() => null);
    if (s && now - s.mtimeMs > STALE_MS) await rm(file, { force: true });
  }
}

let bundle;
try {
  bundle = (await currentBundle()) ?? (await buildBundle());
} catch (error) {
  if (error instanceof BuildFailed) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `tagih: could not prepare the bundled build in ${CACHE} (${error.message}); running from source with tsx, which is slower and uses more memory. Set TAGIH_BUILD_CACHE to a folder this user may write.\n`,
  );
  bundle = null;
}
if (bundle === null) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(entry).href);
} else {
  if (debug) process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle).href);
}
