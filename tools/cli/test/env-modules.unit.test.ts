import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadEnvModules, readConfig } from '../src/env-modules.js';
import { CONFIG_FILE, findConfigFile, takeEnvModules } from '../src/outside-envs.js';

// Env packages from outside the repository, as the CLI loads them before any command runs:
// every way a package can be broken is one line naming it and what is wrong, and the good
// packages beside it load on.

let dir: string;

/** A package folder `name` holding these files (package.json's "exports" is its main module). */
async function writePackage(name: string, files: Record<string, string>, main = './index.js'): Promise<string> {
  const root = join(dir, name);
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'package.json'), JSON.stringify({ name, type: 'module', exports: { '.': main } }));
  for (const [file, text] of Object.entries(files)) await writeFile(join(root, file), text);
  return root;
}

/** A module exporting a well-formed manifest for the env `name` (its server file exists; nothing else is opened). */
const goodManifest = (name: string) => `
import { fileURLToPath } from 'node:url';
export const manifest = {
  name: ${JSON.stringify(name)},
  create: async () => { throw new Error('not opened in this test'); },
  serverEntry: fileURLToPath(new URL('./server.js', import.meta.url)),
};`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-env-modules-'));
  await writePackage('good', { 'index.js': goodManifest('good-env'), 'server.js': '' });
  await writePackage('other', { 'index.js': goodManifest('other-env'), 'server.js': '' });
  await writePackage('no-export', { 'index.js': 'export const manifests = [];' });
  await writePackage('wrong-shape', { 'index.js': 'export const manifest = { name: "wrong-shape" };' });
  await writePackage('throws', { 'index.js': 'throw new Error("the database URL is not set");' });
  await writePackage('syntax', { 'index.js': 'export const manifest = {' });
  await writePackage('no-main', {}, './dist/index.js');
  await mkdir(join(dir, 'node_modules', 'named-env'), { recursive: true });
  await writePackage('node_modules/named-env', { 'index.js': goodManifest('named-env'), 'server.js': '' });
});

describe('loading env packages', () => {
  it('loads a package by folder, by main module and by npm name, and says who named each', async () => {
    const { envs, failures } = await loadEnvModules({ modules: ['./good', join(dir, 'other', 'index.js'), 'named-env'], cwd: dir });
    expect(failures).toEqual([]);
    expect(envs.map((e) => [e.manifest.name, e.source])).toEqual([
      ['good-env', '--env-module ./good'],
      ['other-env', `--env-module ${join(dir, 'other', 'index.js')}`],
      ['named-env', '--env-module named-env'],
    ]);
  });

  it('reads the config file, paths relative to it, and counts a package named twice once', async () => {
    const config = join(dir, 'project', CONFIG_FILE);
    await mkdir(join(dir, 'project', 'deep', 'er'), { recursive: true });
    await writeFile(config, JSON.stringify({ envs: ['../good', 'named-env'] }));
    expect(findConfigFile(join(dir, 'project', 'deep', 'er'))).toBe(config);
    const { envs, failures } = await loadEnvModules({ config, modules: ['../good'], cwd: join(dir, 'project') });
    expect(failures).toEqual([]);
    expect(envs.map((e) => [e.manifest.name, e.source])).toEqual([
      ['good-env', config],
      ['named-env', config],
    ]);
  });

  it.each([
    ['./missing', /^env package "\.\/missing" \(from --env-module \.\/missing\) is not there: no file or folder .*\/missing$/],
    [
      'not-installed',
      /^env package "not-installed" \(from --env-module not-installed\) is not installed \(no node_modules\/not-installed in .* or above; npm install it there\)$/,
    ],
    [
      './no-export',
      /^env package "\.\/no-export" \(from --env-module \.\/no-export\) has no export "manifest" in .*\/no-export\/index\.js \(export the envManifest/,
    ],
    ['./wrong-shape', /^env package "\.\/wrong-shape" .* exports a manifest that has no create\(\) function; make it with envManifest\(import\.meta\.url/],
    ['./throws', /^env package "\.\/throws" .* failed to import .*\/throws\/index\.js: the database URL is not set$/],
    // The parser's own words differ between Node and vitest's loader; env-packages.test.ts shows Node's.
    ['./syntax', /^env package "\.\/syntax" .* failed to import .*\/syntax\/index\.js: \S/],
    ['./no-main', /^env package "\.\/no-main" .* has no main module: .*\/no-main\/dist\/index\.js is missing$/],
  ])('refuses %s in one line naming it and what is wrong, and loads the good one beside it', async (broken, line) => {
    const { envs, failures } = await loadEnvModules({ modules: [broken, './good'], cwd: dir });
    expect(envs.map((e) => e.manifest.name)).toEqual(['good-env']);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toMatch(line);
    expect(failures[0]!.message).not.toContain('\n');
  });

  it('refuses a config file that is not {"envs": [...]} in one line', async () => {
    const file = join(dir, 'bad-config.json');
    await writeFile(file, '{"envs": "./good"}');
    expect(() => readConfig(file)).toThrow(`${file} must be {"envs": [...]}, a list of npm package names or folder paths (relative to the file)`);
    await writeFile(file, '{"envs": [}');
    expect(() => readConfig(file)).toThrow(new RegExp(`^cannot read ${file}: SyntaxError: `));
    await writeFile(file, '{"env": ["./good"]}');
    expect(() => readConfig(file)).toThrow(/must be \{"envs": \[\.\.\.\]\}/);
  });

  it('takes --env-module out of the command line wherever it is, and refuses one without a path', () => {
    expect(takeEnvModules(['check', '--env-module', './a', 'notes', '--env-module=./b', '--seeds', '1'])).toEqual({
      args: ['check', 'notes', '--seeds', '1'],
      modules: ['./a', './b'],
    });
    expect(takeEnvModules(['serve', 'x', '--', '--env-module', 'y'])).toEqual({ args: ['serve', 'x', '--', '--env-module', 'y'], modules: [] });
    expect(() => takeEnvModules(['envs', '--env-module'])).toThrow('--env-module needs a path');
  });
});

describe('the registry with outside envs', () => {
  it('lists them after the shipped envs with their source, and finds them by name', async () => {
    vi.resetModules();
    const registry = await import('../src/env-registry.js');
    const { envs, failures } = await loadEnvModules({ modules: ['./good', './throws'], cwd: dir });
    registry.registerOutsideEnvs(envs, failures);
    expect(registry.registeredEnvs().at(-1)).toMatchObject({ manifest: { name: 'good-env' }, source: '--env-module ./good' });
    expect(
      registry
        .registeredEnvs()
        .filter((e) => e.source === 'shipped')
        .map((e) => e.manifest.name),
    ).toContain('code');
    expect(registry.findEnvs(['good-env', 'code']).map((m) => m.name)).toEqual(['good-env', 'code']);
    // An env no package provides: the refusal names what failed to load, on the same line.
    expect(() => registry.findEnvs(['throws-env'])).toThrow(
      /^unknown env "throws-env"; known envs: .*good-env; not loaded: env package "\.\/throws" \(from --env-module \.\/throws\) failed to import .*: the database URL is not set$/,
    );
  });

  it('refuses an env named like a shipped env, or like another package', async () => {
    vi.resetModules();
    const registry = await import('../src/env-registry.js');
    await writePackage('shadow', { 'index.js': goodManifest('code'), 'server.js': '' });
    await writePackage('twin', { 'index.js': goodManifest('good-env'), 'server.js': '' });
    const shadow = await loadEnvModules({ modules: ['./shadow'], cwd: dir });
    expect(() => registry.registerOutsideEnvs(shadow.envs, [])).toThrow(
      'the env package from --env-module ./shadow is named "code", as is a shipped env; rename one of them',
    );
    const twins = await loadEnvModules({ modules: ['./good', './twin'], cwd: dir });
    expect(() => registry.registerOutsideEnvs(twins.envs, [])).toThrow(
      'the env package from --env-module ./twin is named "good-env", as is the env from --env-module ./good; rename one of them',
    );
  });
});
