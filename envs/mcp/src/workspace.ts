import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { lstat, mkdir, opendir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';

/** What a check command did: its exit code (null when killed) and the tail of its output. */
export interface CheckRun {
  code: number | null;
  output: string;
}

/** How long a check command may run. */
const CHECK_TIMEOUT_MS = 60_000;
/** Output of a check command kept for the verdict. */
const OUTPUT_TAIL = 2_000;
/** Expected files larger than this are not read (the verdict says so). */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The folder the MCP server works in, and the only place its tools reach: a tmpfs of its own in
 * the container (/workspace), a temporary folder when the env runs in this process
 * (development only). One folder per env, wiped at every reset (an env runs one session at a
 * time), so the same seed shows the same paths.
 */
export class Workspace {
  private constructor(readonly root: string) {}

  /** The container's /workspace, or a fresh temporary folder outside one. */
  static forThisProcess(inContainer: boolean): Workspace {
    return new Workspace(inContainer ? '/workspace' : mkdtempSync(join(tmpdir(), 'workgym-mcp-')));
  }

  /** The workspace holding exactly `files` (path relative to the root -> content). */
  async reset(files: Readonly<Record<string, string>>): Promise<void> {
    await this.wipe();
    for (const [path, content] of Object.entries(files)) {
      const full = this.resolve(path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content);
    }
  }

  async wipe(): Promise<void> {
    for (const entry of await readdir(this.root)) await rm(join(this.root, entry), { recursive: true, force: true });
  }

  /** A path under the root; a path that would leave it is refused (task files are checked at load too). */
  resolve(path: string): string {
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + sep)) throw new Error(`${path} is outside the workspace`);
    return full;
  }

  /** A file's content, `null` when nothing is there, or why it cannot be compared (a folder, a link, too large). */
  async read(path: string): Promise<{ content: string | null } | { problem: string }> {
    const full = this.resolve(path);
    const stats = await lstat(full).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw error;
    });
    if (!stats) return { content: null };
    if (!stats.isFile()) return { problem: `${path} is not a regular file` };
    if (stats.size > MAX_FILE_BYTES) return { problem: `${path} is larger than ${MAX_FILE_BYTES} bytes` };
    return { content: await readFile(full, 'utf8') };
  }

  /**
   * The names in a folder, at most `limit` of them (read one by one, so a folder of a million
   * files costs no more); null when no folder is there, or a link stands in its place.
   */
  async list(path: string, limit: number): Promise<string[] | null> {
    const full = this.resolve(path);
    const stats = await lstat(full).catch(() => undefined);
    if (!stats?.isDirectory()) return null;
    const names: string[] = [];
    const dir = await opendir(full);
    try {
      for (let entry = await dir.read(); entry && names.length < limit; entry = await dir.read()) names.push(entry.name);
    } finally {
      await dir.close();
    }
    return names;
  }

  /**
   * Runs a task's check command with /bin/sh in the workspace ($WORKSPACE names it), in a fixed
   * environment and a process group of its own, killed whole at its timeout or an abort.
   */
  runCheck(command: string, signal: AbortSignal): Promise<CheckRun> {
    return new Promise((done, fail) => {
      const child = spawn('/bin/sh', ['-c', command], {
        cwd: this.root,
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: tmpdir(), LANG: 'C.UTF-8', WORKSPACE: this.root },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_TAIL));
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      const kill = () => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      const timer = setTimeout(() => {
        output += `\n(check command stopped after ${CHECK_TIMEOUT_MS / 1000} s)`;
        kill();
      }, CHECK_TIMEOUT_MS);
      signal.addEventListener('abort', kill, { once: true });
      child.once('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', kill);
        done({ code, output: output.trim() });
      });
    });
  }
}
