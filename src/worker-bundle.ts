// Issue 16: a worker thread's code as one plain-JavaScript module. A worker thread does not inherit the main
// thread's TypeScript loader, so each used to register tsx itself, which gives every worker a loader thread and a
// module cache of its own: about 20 MB of RSS a worker. Instead the worker's entry file and what it imports are
// bundled once per process, in memory, by esbuild (the compiler tsx itself runs), and the worker loads that bundle
// from a data: URL. Packages stay outside the bundle, imported from their installed files. import.meta.url keeps
// the address of the entry file, so files found beside it are found as before: every module of a bundle that reads
// import.meta.url must live in the entry's folder (the PDF worker's fonts and templates, src/documents/).
import { fileURLToPath } from 'node:url';
import { build, stop } from 'esbuild';
import { installedPackages, nodeResolution } from './installed-packages.mjs';

const bundles = new Map<string, Promise<URL>>();
let building = 0;

/** Builds one bundle; esbuild's helper process is stopped once no build is under way (it would idle at ~15 MB). */
async function buildBundle(entry: URL): Promise<URL> {
  building++;
  try {
    return await bundleOf(entry);
  } finally {
    if (--building === 0) await stop();
  }
}

async function bundleOf(entry: URL): Promise<URL> {
  const result = await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    define: { 'import.meta.url': JSON.stringify(entry.href) },
    ...nodeResolution,
    plugins: [installedPackages],
  });
  const code = result.outputFiles[0]!.text;
  return new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** The module for `new Worker(...)` of a worker entry file, built on first use and kept for the life of the process. */
export function workerBundle(entry: URL): Promise<URL> {
  let bundle = bundles.get(entry.href);
  if (!bundle) {
    bundle = buildBundle(entry).catch((error: unknown) => {
      bundles.delete(entry.href);
      throw error;
    });
    bundles.set(entry.href, bundle);
  }
  return bundle;
}
