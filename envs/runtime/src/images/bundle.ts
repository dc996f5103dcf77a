import { build } from 'esbuild';

/**
 * Bundles an env server (TypeScript entry and everything it imports) into one ES module that
 * runs on a bare Node: what both the local runtime and the env's image execute.
 */
export async function bundleServer(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    sourcemap: 'inline',
    logLevel: 'silent',
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __wgRequire } from 'node:module'; const require = __wgRequire(import.meta.url);" },
  });
  return outfile;
}
