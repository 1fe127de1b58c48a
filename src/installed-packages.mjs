// An esbuild plugin for tagih's own bundles (src/launch.mjs for the commands, src/worker-bundle.ts for the worker
// threads): every package import is left out of the bundle and becomes the absolute file:// URL of the installed
// file, found by esbuild's resolver with Node's own rules for an ESM import (the package's "exports" with the
// "node", "import" and "default" conditions, else its "main"). The bundle then loads the same files as the sources
// would, wherever the bundle itself is kept, even in a data: URL, which cannot resolve a package name at all.
import { isBuiltin } from 'node:module';
import { pathToFileURL } from 'node:url';

const OWN = Symbol('installed-packages');

/** @type {import('esbuild').Plugin} */
export const installedPackages = {
  name: 'installed-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === OWN) return undefined; // the resolve asked below: esbuild's own rules
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const found = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: OWN,
      });
      if (found.errors.length > 0) return { errors: found.errors };
      return { path: pathToFileURL(found.path).href, external: true };
    });
  },
};

/** Build options that make esbuild resolve a package as Node.js does for an ESM import. */
export const nodeResolution = { conditions: [], mainFields: ['main'] };
