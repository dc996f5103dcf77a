import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Loader, type Plugin } from 'esbuild';

// The CLI tests start the CLI from source hundreds of times. Through tsx's loader each start
// resolves and loads every module through the loader's hooks, two to four times the CPU of the
// same start from one bundle. So the integration run's global setup bundles the sources once (the
// `source` export condition, as tsx runs them), and tools/cli/test/run-cli.ts runs the bundle.
// Chunks are split at the CLI's lazy imports, so a command still loads only what it runs.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'tools/cli/src/main.ts');
const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.js': 'js', '.mjs': 'js' };
/** What `import.meta.url` reads in a bundled module: its own source file's URL, declared at its top. */
const SOURCE_URL = '__workgymSourceUrl';

/** Bundles the CLI's sources into `outdir` (which should lie inside the repository); returns the entry's path. */
export async function bundleCli(outdir: string): Promise<string> {
  await build({
    entryPoints: { main: MAIN },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outdir,
    outExtension: { '.js': '.mjs' },
    conditions: ['source'],
    define: { 'import.meta.url': SOURCE_URL },
    logLevel: 'error',
    plugins: [npmPackagesInPlace, sourceUrls],
  });
  return join(outdir, 'main.mjs');
}

/**
 * npm packages stay outside the bundle, imported from where each importer resolves them: a
 * package folder can hold its own version of a package (envs/protocol's ajv).
 */
const npmPackagesInPlace: Plugin = {
  name: 'npm-packages-in-place',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@workgym/') || args.pluginData === 'resolving') return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, external: true };
    });
  },
};

/**
 * Each module's `import.meta.url` stays its source file's URL, on the first line so that line
 * numbers hold: the manifests, templates and protobuf schemas are found beside the sources.
 */
const sourceUrls: Plugin = {
  name: 'source-urls',
  setup(b) {
    b.onLoad({ filter: /\.m?[jt]s$/ }, async (args) => ({
      contents: `const ${SOURCE_URL} = ${JSON.stringify(pathToFileURL(args.path).href)}; ${await readFile(args.path, 'utf8')}`,
      loader: LOADERS[extname(args.path)] ?? 'ts',
    }));
  },
};
