import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync } from 'node:fs';
import { appendFile, lstat, mkdir, readdir, readFile, readlink, rm, symlink, unlink, writeFile } from 'node:fs/promises';
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
/** Bytes of one file a state snapshot hashes; a bigger one is described by its size and modification time. */
const MAX_HASHED_FILE = 16 * 1024 * 1024;
/** Entries one state snapshot looks at: a tree made huge ends in one `workspace:truncated` key instead of a long walk. */
const MAX_ENTRIES = 10_000;

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
   * The whole tree as a canonical snapshot (the session's `state()`): `file:<relative path>` for
   * every entry, links never followed, each value its type and permission bits, with a regular
   * file's sha256 (past MAX_HASHED_FILE its size and modification time) or a link's target.
   */
  async snapshot(): Promise<Record<string, string>> {
    const state: Record<string, string> = {};
    const pending = [''];
    let seen = 0;
    while (pending.length > 0) {
      const folder = pending.pop()!;
      const names = (await readdir(folder === '' ? this.root : join(this.root, folder))).sort();
      for (const name of names) {
        if (seen++ >= MAX_ENTRIES) {
          state['workspace:truncated'] = `more than ${MAX_ENTRIES} entries; the rest not looked at`;
          return state;
        }
        const path = folder === '' ? name : `${folder}/${name}`;
        const full = join(this.root, path);
        const stats = await lstat(full);
        const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
        if (stats.isDirectory()) {
          state[`file:${path}`] = `directory ${mode}`;
          pending.push(path);
        } else if (stats.isSymbolicLink()) state[`file:${path}`] = `symlink -> ${JSON.stringify(await readlink(full))}`;
        else if (!stats.isFile()) state[`file:${path}`] = `special ${mode}`;
        else state[`file:${path}`] = `file ${mode} ${stats.size <= MAX_HASHED_FILE ? await sha256(full) : `size ${stats.size} modified ${stats.mtimeMs}`}`;
      }
    }
    return state;
  }

  /**
   * Changes the entry at a `snapshot` key as the MCP server's tools could: a file gets a line
   * appended, a folder a new file, a link another target.
   */
  async touch(key: string): Promise<void> {
    const full = this.resolve(key.replace(/^file:/, ''));
    const stats = await lstat(full);
    if (stats.isDirectory()) await writeFile(join(full, 'edited.txt'), 'edited\n');
    else if (stats.isSymbolicLink()) {
      const target = await readlink(full);
      await unlink(full);
      await symlink(`${target}-edited`, full);
    } else await appendFile(full, '(edited)\n');
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

/** `sha256:<hex>` of a file's bytes, read as a stream. */
async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
