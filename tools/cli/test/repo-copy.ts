import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A working copy of the repository at `root` in a new temporary folder, as a contributor's
 * checkout after `npm ci`: its files (tracked, and new ones git does not ignore: the working tree
 * the builds were made from), each package's build (`dist/`, `src/gen/`) and the
 * Nx cache, all with their modification times, so the copy's builds are exactly as current as
 * the repository's. Its `node_modules` links every installed package to the repository's except
 * `@workgym/*`, which link to the copy's own packages, and `.cache` (the CLI's rebuild stamp),
 * which is the copy's own: nothing run in the copy writes into the repository.
 */
export function copyRepository(root: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'workgym-repo-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
    .split('\0')
    .filter(Boolean);
  // A tracked file deleted in the working tree (someone's edit in progress) is not copied.
  for (const file of files.filter((f) => existsSync(join(root, f)))) copyPath(root, copy, file);
  const packages = workspacePackages(root);
  for (const dir of packages) {
    for (const built of ['dist', 'src/gen']) if (existsSync(join(root, dir, built))) copyPath(root, copy, join(dir, built));
  }
  if (existsSync(join(root, '.nx/cache'))) copyPath(root, copy, '.nx/cache');
  linkModules(join(root, 'node_modules'), join(copy, 'node_modules'), new Set(['@workgym', '.cache']));
  mkdirSync(join(copy, 'node_modules/@workgym'));
  for (const name of readdirSync(join(root, 'node_modules/@workgym'))) {
    // The repository's links are relative (../../envs/code): the same link in the copy points into the copy.
    symlinkSync(readlinkSync(join(root, 'node_modules/@workgym', name)), join(copy, 'node_modules/@workgym', name));
  }
  for (const dir of packages.filter((d) => existsSync(join(root, d, 'node_modules')))) {
    linkModules(join(root, dir, 'node_modules'), join(copy, dir, 'node_modules'), new Set());
  }
  return copy;
}

function copyPath(root: string, copy: string, path: string): void {
  mkdirSync(dirname(join(copy, path)), { recursive: true });
  cpSync(join(root, path), join(copy, path), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
}

/** A node_modules folder whose entries (but `except`) are links to those of `from`. */
function linkModules(from: string, to: string, except: Set<string>): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (except.has(name)) continue;
    const target = join(from, name);
    symlinkSync(lstatSync(target).isSymbolicLink() ? join(from, readlinkSync(target)) : target, join(to, name));
  }
}

function workspacePackages(root: string): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => `${pattern.slice(0, -2)}/${e.name}`)
      : [pattern],
  );
}
