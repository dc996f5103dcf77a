import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNames } from '../env-registry.js';
import { UsageError } from '../usage-error.js';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** The package's files as written, kept beside the CLI (both src/ and dist/ sit one level under it). */
const CLI_DIR = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATE = join(CLI_DIR, 'env-template');
/** Template files written under another name: a test file in the template would be one of workgym's own. */
const RENAMED: Record<string, string> = { 'test/conformance.ts': 'test/conformance.test.ts' };

/**
 * `workgym env init NAME [--dir D]`: a working env package outside the repository (manifest,
 * one family with generator, expert and verifier, tools, image, README, conformance test), or
 * one line and nothing written. Its workgym dependencies are `file:` links to this installation,
 * so `npm install` in it needs no registry.
 */
export async function envInit(name: string, options: { dir?: string }): Promise<void> {
  if (!NAME.test(name))
    throw new UsageError(`name the env in kebab-case (lowercase letters, digits and dashes, e.g. ticket-triage), not ${JSON.stringify(name)}`);
  if (envNames().includes(name)) throw new UsageError(`${JSON.stringify(name)} is the name of an env workgym already has; pick another name`);
  const dir = resolve(options.dir ?? name);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new UsageError(`${dir} is not an empty folder; pick another --dir`);
  }
  const links = { protocol: installed('@workgym/protocol'), tsx: installed('tsx'), cli: realpathSync(CLI_DIR) };
  const workgym = dirname(dirname(links.cli));
  const files: Record<string, string> = { 'package.json': packageJson(name, links), '.gitignore': 'node_modules/\nruns/\n' };
  for (const file of templateFiles()) {
    files[RENAMED[file] ?? file] = readFileSync(join(TEMPLATE, file), 'utf8').replaceAll('__ENV_NAME__', name).replaceAll('__WORKGYM__', workgym);
  }
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text, { flag: 'wx' });
  }
  const shown = relative(process.cwd(), dir) || '.';
  console.log(`wrote ${dir}: the env package ${name} with the family ${name}/find-code`);
  console.log('next:');
  for (const step of [
    `cd ${shown}`,
    'npm install        # links workgym from this installation; no registry needed',
    'npm test           # the conformance suite, in process',
    `npx workgym check --env-module . ${name}`,
    `npx workgym rollout --env-module . --env ${name} --agent expert --episodes 4 --out runs/expert`,
  ]) {
    console.log(`  ${step}`);
  }
}

function packageJson(name: string, links: { protocol: string; tsx: string; cli: string }): string {
  const pkg = {
    name: `workgym-env-${name}`,
    version: '0.1.0',
    private: true,
    description: `The ${name} env for workgym.`,
    type: 'module',
    // The main module exports the manifest; workgym imports it (TypeScript as written) and bundles the server.
    exports: { '.': './src/manifest.ts' },
    scripts: { test: 'node --import tsx --test test/*.test.ts' },
    engines: { node: '>=20.19' },
    dependencies: { '@workgym/protocol': `file:${links.protocol}` },
    devDependencies: { '@workgym/cli': `file:${links.cli}`, tsx: `file:${links.tsx}` },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The folder of a package this CLI uses, found as Node finds it (node_modules above the CLI), links followed. */
function installed(name: string): string {
  for (let at = CLI_DIR; ; at = dirname(at)) {
    const dir = join(at, 'node_modules', name);
    if (existsSync(join(dir, 'package.json'))) return realpathSync(dir);
    if (dirname(at) === at) throw new Error(`${name} is not installed beside the workgym CLI (${CLI_DIR})`);
  }
}

function templateFiles(): string[] {
  return readdirSync(TEMPLATE, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(TEMPLATE, join(e.parentPath, e.name)))
    .sort();
}
