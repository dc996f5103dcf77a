import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build } from 'esbuild';
import { packageDirOf, writeVerifierVersions } from './verifier-versions.js';

/**
 * Bundles an env server (TypeScript entry and everything it imports) into one ES module that
 * runs on a bare Node: what both the local runtime and the env's image execute. The file is
 * replaced atomically and only when its bytes change, so a server starting from it meanwhile
 * never reads half a bundle. Bundled from source, the env's verifier versions are recomputed
 * first, so the versions a server (and its image) reports are those of the code it runs.
 */
export async function bundleServer(entry: string, outfile: string): Promise<string> {
  const packageDir = entry.endsWith('.ts') ? packageDirOf(entry) : undefined;
  if (packageDir) await writeVerifierVersions(packageDir);
  const result = await build({
    entryPoints: [entry],
    outfile,
    // The bundle names its modules by path from here: from the entry's folder, not the command's
    // working folder, so the bundle (and the image's content-hash tag) is the same wherever it runs.
    absWorkingDir: dirname(entry),
    write: false,
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
  const bytes = result.outputFiles[0]!.contents;
  const current = await readFile(outfile).catch(() => undefined);
  if (current && Buffer.from(bytes).equals(current)) return outfile;
  await mkdir(dirname(outfile), { recursive: true });
  const temp = `${outfile}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, outfile);
  return outfile;
}
