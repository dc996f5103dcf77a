import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Every workspace package declares what its code imports (its tests may also use its
// devDependencies), and the whole workspace asks for one version range of each dependency.

const root = fileURLToPath(new URL('../../..', import.meta.url));

interface PackageJson {
  name: string;
  workspaces?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
const rootPackage = readJson(join(root, 'package.json'));

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

/** The package's own code and tests: what it ships, and what `npm test` runs of it. */
function* codeFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', 'gen'].includes(entry.name)) yield* codeFiles(path);
    } else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The package a module specifier names (`@scope/name/sub/path` -> `@scope/name`), or nothing for a file or Node builtin. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}

function undeclaredImports(dir: string): string[] {
  const pkg = readJson(join(root, dir, 'package.json'));
  const shipped = new Set([pkg.name, ...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const forTests = new Set([...shipped, ...Object.keys(pkg.devDependencies ?? {})]);
  const problems: string[] = [];
  for (const sub of ['src', 'test', 'bin'].filter((s) => existsSync(join(root, dir, s)))) {
    for (const file of codeFiles(join(root, dir, sub))) {
      const isTest = sub === 'test' || file.endsWith('.test.ts');
      // Static, dynamic and type-only imports, re-exports and require() alike.
      for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        const name = packageOf(fileName);
        if (name && !(isTest ? forTests : shipped).has(name)) {
          problems.push(`${relative(root, file)} imports ${fileName}, which ${dir}/package.json does not list${isTest ? '' : ' in dependencies'}`);
        }
      }
    }
  }
  return problems;
}

describe('the workspace dependencies', () => {
  it.each(packageDirs())('%s declares every package its code and tests import', (dir) => {
    expect(undeclaredImports(dir)).toEqual([]);
  });

  it('ask for one version range of each dependency across the workspace', () => {
    const ranges = new Map<string, Set<string>>();
    for (const dir of ['.', ...packageDirs()]) {
      const pkg = readJson(join(root, dir, 'package.json'));
      for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.peerDependencies })) {
        ranges.set(name, (ranges.get(name) ?? new Set()).add(`${range} (${dir})`));
      }
    }
    const differing = [...ranges].filter(([, found]) => new Set([...found].map((r) => r.split(' ')[0])).size > 1);
    expect(differing.map(([name, found]) => `${name}: ${[...found].join(', ')}`)).toEqual([]);
  });
});
