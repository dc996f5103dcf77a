import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { build, version as esbuildVersion } from 'esbuild';
import { packageDirOf, writeVerifierVersions } from './verifier-versions.js';

/**
 * Bundles an env server (TypeScript entry and everything it imports) into one ES module that
 * runs on a bare Node: what both the local runtime and the env's image execute. The file is
 * replaced atomically and only when its bytes change, so a server starting from it meanwhile
 * never reads half a bundle. Bundled from source, the env's verifier versions are recomputed
 * first, so the versions a server (and its image) reports are those of the code it runs.
 *
 * Bundling an env takes seconds and every command that starts one asks for it, so a bundle
 * whose inputs (every file the last build read, and the build's settings) are byte for byte
 * what they were is reused as it is (`<outfile>.inputs.json` records them and the bundle's hash).
 */
export async function bundleServer(entry: string, outfile: string): Promise<string> {
  const record = `${outfile}.inputs.json`;
  if (await upToDate(entry, outfile, record)) return outfile;
  const packageDir = entry.endsWith('.ts') ? packageDirOf(entry) : undefined;
  if (packageDir) await writeVerifierVersions(packageDir);
  const workingDir = dirname(entry);
  const result = await build({
    entryPoints: [entry],
    outfile,
    // The bundle names its modules by path from here: from the entry's folder, not the command's
    // working folder, so the bundle (and the image's content-hash tag) is the same wherever it runs.
    absWorkingDir: workingDir,
    write: false,
    metafile: true,
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
  if (!current || !Buffer.from(bytes).equals(current)) {
    await mkdir(dirname(outfile), { recursive: true });
    await replace(outfile, bytes);
  }
  // The generated verifier versions are an input; they follow from the family sources, which are
  // inputs too, and from the package.json that names those sources.
  const inputs = [...Object.keys(result.metafile.inputs).map((path) => resolve(workingDir, path)), ...(packageDir ? [join(packageDir, 'package.json')] : [])];
  const hashes = await hashFiles(inputs).catch(() => undefined);
  // An input esbuild names that is no file here: this bundle is simply not reused.
  if (hashes) await replace(record, JSON.stringify({ key: buildKey(entry, outfile), bundle: sha256(bytes), inputs: hashes }));
  return outfile;
}

interface InputsRecord {
  key: string;
  bundle: string;
  inputs: Record<string, string>;
}

/** The bundle at `outfile` was built from exactly the files (and settings) it would be built from now. */
async function upToDate(entry: string, outfile: string, recordFile: string): Promise<boolean> {
  const record = await readFile(recordFile, 'utf8')
    .then((text) => JSON.parse(text) as InputsRecord)
    .catch(() => undefined);
  if (record?.key !== buildKey(entry, outfile) || typeof record.inputs !== 'object') return false;
  const bundle = await readFile(outfile).catch(() => undefined);
  // Another process may have replaced the bundle after this record was written.
  if (!bundle || sha256(bundle) !== record.bundle) return false;
  const now = await hashFiles(Object.keys(record.inputs)).catch(() => undefined);
  return now !== undefined && Object.entries(record.inputs).every(([path, hash]) => now[path] === hash);
}

/** What else than the input files decides the bundle: the entry, where it goes, esbuild's version and this module's build settings. */
function buildKey(entry: string, outfile: string): string {
  return sha256(JSON.stringify([entry, outfile, esbuildVersion, bundleServer.toString()]));
}

async function hashFiles(paths: readonly string[]): Promise<Record<string, string>> {
  const hashes = await Promise.all(paths.map(async (path) => [path, sha256(await readFile(path))] as const));
  return Object.fromEntries(hashes);
}

function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function replace(file: string, bytes: Uint8Array | string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, file);
}
