// In a repository checkout the CLI runs the workspace packages' builds (dist/). A source changed
// since its package was built would be silently left out (a new family missing from `envs` and
// `check`), so the CLI rebuilds first. Nx caches builds: nothing changed costs little.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workspace package folders of the repository at `root` (globs `dir/*` expanded). */
function workspaceDirs(root) {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => `${parent}/${e.name}`);
  });
}

/** The newest file under `dir` (generated `gen/` folders left out: the build writes them), as [mtimeMs, path]. */
function newestFile(dir) {
  let newest = [0, ''];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'gen') continue;
      const inner = newestFile(path);
      if (inner[0] > newest[0]) newest = inner;
    } else if (entry.isFile()) {
      const mtime = statSync(path).mtimeMs;
      if (mtime > newest[0]) newest = [mtime, path];
    }
  }
  return newest;
}

/** Compiler and npm error lines, not nx's progress. */
const isBuildError = (line) => /error/i.test(line) || /^\s{2,}\S/.test(line);

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/**
 * Why the builds are not current, or undefined when they are: a package whose last build failed
 * (tsc still writes its output and build info then, so times alone would call it current), or the
 * first source file (relative to `root`) newer than its package's build and the last rebuild (`stamp`).
 */
export function staleReason(root, stamp) {
  const rebuilt = mtime(stamp);
  for (const dir of workspaceDirs(root)) {
    const src = join(root, dir, 'src');
    if (!existsSync(src)) continue;
    const info = join(root, dir, 'dist', '.tsbuildinfo');
    if (buildFailed(info)) return `the last build of ${dir} failed`;
    const built = Math.max(mtime(info), rebuilt);
    for (const folder of [src, join(root, dir, 'proto')].filter(existsSync)) {
      const [time, path] = newestFile(folder);
      if (time > built) return `${path.slice(root.length + 1)} changed since the last build`;
    }
  }
  return undefined;
}

/** Whether tsc recorded errors in the build info it wrote (`"errors":true`, or error diagnostics of a composite build). */
function buildFailed(info) {
  if (!existsSync(info)) return false;
  const text = readFileSync(info, 'utf8');
  return text.includes('"errors":true') || text.includes('"category":1');
}

/** Rebuilds when a source is newer than its build; exits with one line when the build fails. */
export function rebuildIfStale(root) {
  if (!existsSync(join(root, 'nx.json'))) return;
  const stamp = join(root, 'node_modules', '.cache', 'workgym', 'build-stamp');
  const reason = staleReason(root, stamp);
  if (!reason) return;
  console.error(`[workgym] ${reason}: rebuilding (npm run build)`);
  const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (build.status !== 0) {
    // The build's own messages say what to fix; nx's progress around them does not.
    process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`.split('\n').filter(isBuildError).join('\n') + '\n');
    console.error('workgym: the build failed: fix the errors above, or run `npm run build` at the repository root for the whole output');
    process.exit(1);
  }
  mkdirSync(join(stamp, '..'), { recursive: true });
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
