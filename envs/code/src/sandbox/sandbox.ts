import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkgymError } from '@workgym/protocol';
import { runCommand, type Identity, type RunOptions, type RunResult } from './run-command.js';

/** Who a piece of work runs as: the agent's commands, or the verifier running hidden tests. */
export type Role = 'agent' | 'judge';

/** Where things live and which users own them. */
export interface SandboxLayout {
  /** The agent's working directory. */
  workspace: string;
  /** The agent's HOME. */
  home: string;
  /** The verifier's private directory (mode 0700, owned by the judge user). */
  judge: string;
  /** Shared writable directories (/tmp, /dev/shm...): files there owned by a role are wiped at reset. */
  shared: string[];
  /** Container mode: separate users for the agent and the judge; the server runs as root. */
  users?: Record<Role, Identity>;
}

export class SandboxSetupError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_CODE_SANDBOX', message);
  }
}

/** The layout of the code env's image (see image/Dockerfile and the manifest's tmpfs mounts). */
export const CONTAINER_LAYOUT: SandboxLayout = {
  workspace: '/workspace',
  home: '/home/agent',
  judge: '/judge',
  shared: ['/tmp', '/dev/shm', '/dev/mqueue'],
  users: { agent: { uid: 20000, gid: 20000 }, judge: { uid: 20001, gid: 20001 } },
};

/**
 * The machine the agent works on. In a container (isolated) every agent command runs as the
 * agent user, hidden tests run as the judge user, and the server (root with only SETUID, SETGID
 * and KILL) switches its effective ids to act on files as one of them, so the kernel enforces
 * who may touch what. Locally (development only) everything runs as the current user in a
 * temporary directory: not isolated.
 */
export class Sandbox {
  readonly isolated: boolean;
  /** Process groups started in local mode, which has no user to kill by. */
  private readonly groups = new Set<number>();
  private acting: Role | undefined;

  constructor(readonly layout: SandboxLayout) {
    this.isolated = layout.users !== undefined;
  }

  /** Container mode when the image says so (WORKGYM_CODE_SANDBOX=isolated), else a local temporary layout. */
  static fromEnvironment(): Sandbox {
    if (process.env.WORKGYM_CODE_SANDBOX === 'isolated') {
      if (process.getuid?.() !== 0) {
        throw new SandboxSetupError('the isolated code sandbox needs the server to run as uid 0 (with SETUID, SETGID and KILL)');
      }
      // Root's supplementary groups would travel into every identity switch; drop them.
      process.setgroups!([]);
      return new Sandbox(CONTAINER_LAYOUT);
    }
    const base = mkdtempSync(join(tmpdir(), 'workgym-code-'));
    const layout = { workspace: join(base, 'workspace'), home: join(base, 'home'), judge: join(base, 'judge'), shared: [] };
    for (const dir of [layout.workspace, layout.home, layout.judge]) mkdirSync(dir, { recursive: true });
    return new Sandbox(layout);
  }

  /**
   * Runs synchronous file work with the role's effective uid/gid, so permission checks are the
   * role's own. Synchronous on purpose: nothing else in this process may run meanwhile.
   */
  as<T>(role: Role, work: () => T): T {
    const user = this.layout.users?.[role];
    if (!user) return work();
    if (this.acting !== undefined) {
      // Nested: switching back to root inside would hand the outer work root's rights.
      if (this.acting !== role) throw new Error(`cannot act as ${role} while acting as ${this.acting}`);
      return work();
    }
    process.setegid!(user.gid);
    process.seteuid!(user.uid);
    this.acting = role;
    try {
      return work();
    } finally {
      this.acting = undefined;
      process.seteuid!(0);
      process.setegid!(0);
    }
  }

  /** The environment a role's processes start with: fixed, so nothing leaks in from the server. */
  environment(role: Role): Record<string, string> {
    const home = role === 'agent' ? this.layout.home : this.layout.judge;
    const user = role === 'agent' ? 'agent' : 'judge';
    return {
      PATH: this.isolated ? '/usr/local/bin:/usr/bin:/bin' : (process.env.PATH ?? '/usr/bin:/bin'),
      HOME: home,
      USER: user,
      LOGNAME: user,
      SHELL: '/bin/bash',
      LANG: 'C.UTF-8',
      TERM: 'dumb',
      PAGER: 'cat',
      GIT_PAGER: 'cat',
      TMPDIR: this.isolated ? '/tmp' : join(home, '.tmp'),
      PYTHONDONTWRITEBYTECODE: '1',
      GIT_AUTHOR_NAME: user,
      GIT_AUTHOR_EMAIL: `${user}@workgym.local`,
      GIT_COMMITTER_NAME: user,
      GIT_COMMITTER_EMAIL: `${user}@workgym.local`,
    };
  }

  /** Runs a command as the role, in its own process group. */
  run(role: Role, options: Omit<RunOptions, 'user' | 'env' | 'onStart'> & { env?: Record<string, string> }): Promise<RunResult> {
    if (!this.isolated) mkdirSync(join(this.layout[role === 'agent' ? 'home' : 'judge'], '.tmp'), { recursive: true });
    // The kernel changes directory before it drops to the role's uid, and root without
    // DAC_OVERRIDE cannot enter the judge's 0700 directory: the role's own shell does the cd.
    // It also raises its OOM score, so under memory pressure the kernel kills the role's
    // processes, never the env server.
    const argv = this.isolated ? ['/bin/sh', '-c', ISOLATED_START, options.cwd, ...options.argv] : options.argv;
    return runCommand({
      ...options,
      argv,
      cwd: this.isolated ? '/' : options.cwd,
      env: { ...this.environment(role), ...options.env },
      user: this.layout.users?.[role],
      onStart: (pgid) => {
        if (!this.isolated) this.groups.add(pgid);
      },
    });
  }

  /**
   * Kills every process of the role, including daemons that left their process group. Each
   * pass SIGKILLs all it finds; a killed process cannot fork again, so a fork bomb runs dry.
   */
  async killAll(role: Role): Promise<void> {
    const user = this.layout.users?.[role];
    if (!user) {
      for (const pgid of this.groups) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          this.groups.delete(pgid);
        }
      }
      return;
    }
    const deadline = Date.now() + 5_000;
    for (let pass = 0; Date.now() < deadline; pass++) {
      const pids = processesOf(user.uid);
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      if (pass > 2) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Gives the role a clean slate: its processes killed, its files and IPC objects gone. */
  async clean(role: Role): Promise<void> {
    await this.killAll(role);
    if (role === 'agent') {
      this.as('agent', () => {
        // The agent owns these mount points and may have chmod-ed them; the next episode must not inherit that.
        if (this.isolated) {
          chmodSync(this.layout.workspace, 0o755);
          chmodSync(this.layout.home, 0o700);
        }
        clearDirectory(this.layout.workspace);
        clearDirectory(this.layout.home);
      });
    } else {
      this.as('judge', () => clearDirectory(this.layout.judge));
    }
    const user = this.layout.users?.[role];
    if (!user) return;
    for (const dir of this.layout.shared) {
      this.as(role, () => {
        for (const name of safeReaddir(dir)) {
          const path = join(dir, name);
          if (ownerOf(path) === user.uid) removeTree(path);
        }
      });
    }
    if (ownsIpcObjects(user.uid)) {
      await this.run(role, { argv: ['ipcrm', '--all'], cwd: '/', timeoutMs: 5_000 }).catch(() => undefined);
    }
  }

  /** Writes files under `root` as the role (parents created). */
  writeFiles(role: Role, root: string, files: Record<string, string>): void {
    this.as(role, () => {
      for (const [path, content] of Object.entries(files)) {
        const full = join(root, path);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    });
  }
}

const ISOLATED_START = 'echo 1000 > /proc/self/oom_score_adj 2>/dev/null; cd "$0" || exit 126; exec "$@"';

/** Live (non-zombie) processes whose real uid is `uid`. */
function processesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${name}/status`, 'utf8');
    } catch {
      continue;
    }
    const real = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    if (Number(real) === uid && state !== 'Z' && state !== 'X') pids.push(Number(name));
  }
  return pids;
}

function ownsIpcObjects(uid: number): boolean {
  for (const kind of ['shm', 'msg', 'sem']) {
    let text: string;
    try {
      text = readFileSync(`/proc/sysvipc/${kind}`, 'utf8');
    } catch {
      continue;
    }
    const [header, ...rows] = text.trim().split('\n');
    const column = header?.trim().split(/\s+/).indexOf('uid') ?? -1;
    if (column >= 0 && rows.some((row) => Number(row.trim().split(/\s+/)[column]) === uid)) return true;
  }
  return false;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function ownerOf(path: string): number | undefined {
  try {
    return lstatSync(path).uid;
  } catch {
    return undefined;
  }
}

/** Removes everything inside `dir`, keeping `dir` itself (a mount point). */
export function clearDirectory(dir: string): void {
  for (const name of safeReaddir(dir)) removeTree(join(dir, name));
}

/** rm -rf that also gets through directories their owner made unwritable (chmod 500). */
function removeTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    makeWritable(path);
    rmSync(path, { recursive: true, force: true });
  }
}

function makeWritable(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isDirectory()) return;
  try {
    chmodSync(path, 0o700);
  } catch {
    return;
  }
  for (const name of safeReaddir(path)) makeWritable(join(path, name));
}
