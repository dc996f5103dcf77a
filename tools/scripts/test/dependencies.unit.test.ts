import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every workspace package declares what its code imports (its tests may also use its
// devDependencies); the repository's own scripts (tools/scripts, bench, the root configs) declare
// theirs in the root package.json; the whole workspace asks for one version range of each
// dependency; and package-lock.json agrees with every package.json (or `npm ci` refuses it).

const root = fileURLToPath(new URL('../../..', import.meta.url));

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = <T = PackageJson>(path: string) => JSON.parse(readFileSync(join(root, path), 'utf8')) as T;
const rootPackage = readJson('package.json');

/** Each workspace package's folder (the root's `workspaces`, `dir/*` patterns included). */
function packageDirs(): string[] {
  return rootPackage.workspaces!.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(pattern.slice(0, -2), e.name))
      : [pattern],
  );
}

const workspaceNames = new Set(packageDirs().map((dir) => readJson(join(dir, 'package.json')).name));

/** The code files under `path` (a file or a folder): what a package ships, and what `npm test` runs of it. */
function* codeFiles(path: string): Generator<string> {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    if (/\.(ts|mts|js|mjs)$/.test(path) && !path.endsWith('.d.ts')) yield path;
    return;
  }
  for (const entry of readdirSync(path)) {
    if (!['node_modules', 'dist', 'gen'].includes(entry)) yield* codeFiles(join(path, entry));
  }
}

/** The package a module specifier names (`@scope/name/sub/path` -> `@scope/name`), or nothing for a file or Node builtin. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  return specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');
}

/** Every package the file imports: static, dynamic and type-only imports, re-exports and require() alike. */
function importedPackages(file: string): { specifier: string; name: string }[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.flatMap(({ fileName }) => {
    const name = packageOf(fileName);
    return name ? [{ specifier: fileName, name }] : [];
  });
}

function undeclaredImports(dir: string): string[] {
  const pkg = readJson(join(dir, 'package.json'));
  const shipped = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const forTests = new Set([...shipped, ...Object.keys(pkg.devDependencies ?? {})]);
  const problems: string[] = [];
  for (const sub of ['src', 'test', 'bin']) {
    for (const file of codeFiles(join(root, dir, sub))) {
      const isTest = sub === 'test' || file.endsWith('.test.ts');
      for (const { specifier, name } of importedPackages(file)) {
        if (!(isTest ? forTests : shipped).has(name)) {
          problems.push(`${relative(root, file)} imports ${specifier}, which ${dir}/package.json does not list${isTest ? '' : ' in dependencies'}`);
        }
      }
    }
  }
  return problems;
}

/** What the repository's own scripts import that is neither a root devDependency nor a workspace package. */
function undeclaredRootImports(): string[] {
  const declared = new Set([...Object.keys(rootPackage.devDependencies ?? {}), ...workspaceNames]);
  const problems: string[] = [];
  for (const path of ['tools/scripts', 'bench', 'eslint.config.js', 'vitest.config.ts']) {
    for (const file of codeFiles(join(root, path))) {
      for (const { specifier, name } of importedPackages(file)) {
        if (!declared.has(name)) problems.push(`${relative(root, file)} imports ${specifier}, which package.json does not list in devDependencies`);
      }
    }
  }
  return problems;
}

describe('the workspace dependencies', () => {
  it.each(packageDirs())('%s declares every package its code and tests import', (dir) => {
    expect(undeclaredImports(dir)).toEqual([]);
  });

  it("the repository's scripts (tools/scripts, bench, root configs) import only root devDependencies and workspace packages", () => {
    expect(undeclaredRootImports()).toEqual([]);
  });

  it('ask for one version range of each dependency across the workspace', () => {
    const ranges = new Map<string, Set<string>>();
    for (const dir of ['.', ...packageDirs()]) {
      const pkg = readJson(join(dir, 'package.json'));
      for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })) {
        ranges.set(name, (ranges.get(name) ?? new Set()).add(`${range} (${dir})`));
      }
    }
    const differing = [...ranges].filter(([, found]) => new Set([...found].map((r) => r.split(' ')[0])).size > 1);
    expect(differing.map(([name, found]) => `${name}: ${[...found].join(', ')}`)).toEqual([]);
  });

  it.each(['.', ...packageDirs()])('package-lock.json records what %s/package.json declares', (dir) => {
    const { packages } = readJson<{ packages: Record<string, PackageJson> }>('package-lock.json');
    const locked = packages[dir === '.' ? '' : dir];
    const pkg = readJson(join(dir, 'package.json'));
    const kinds = ['dependencies', 'devDependencies', 'peerDependencies'] as const;
    expect(Object.fromEntries(kinds.map((k) => [k, locked?.[k] ?? {}])), 'run `npm install` to bring package-lock.json up to date').toEqual(
      Object.fromEntries(kinds.map((k) => [k, pkg[k] ?? {}])),
    );
  });
});
