// Issue 16: the PDF workers' code as one plain-JavaScript module. A worker thread does not inherit the main thread's
// TypeScript loader, so each used to register tsx itself (pdf-worker-entry.mjs), which gives every worker a loader
// thread and a module cache of its own: about 20 MB of RSS a worker. Instead pdf-worker.ts and what it imports are
// bundled once per process, in memory, by esbuild (the compiler tsx itself runs), and the workers load that bundle
// from a data: URL. Packages stay outside the bundle, imported from their installed files; import.meta.url keeps
// the address of the source file, so the templates and fonts are found as before (every module of the bundle that
// reads it lives in src/documents/).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = new URL('./pdf-worker.ts', import.meta.url);

let bundle: Promise<URL> | null = null;

async function buildBundle(): Promise<URL> {
  const result = await build({
    entryPoints: [fileURLToPath(ENTRY)],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    define: { 'import.meta.url': JSON.stringify(ENTRY.href) },
    plugins: [
      {
        name: 'installed-packages',
        setup(b) {
          // A data: URL module cannot resolve 'pdfkit': every package import becomes the file:// URL Node itself
          // resolves it to from here.
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('node:')) return { path: args.path, external: true };
            return { path: import.meta.resolve(args.path), external: true };
          });
        },
      },
    ],
  });
  const code = result.outputFiles[0]!.text;
  return new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** The PDF worker module for `new Worker(...)`, built on first use and kept for the life of the process. */
export function pdfWorkerBundle(): Promise<URL> {
  bundle ??= buildBundle().catch((error: unknown) => {
    bundle = null;
    throw error;
  });
  return bundle;
}
