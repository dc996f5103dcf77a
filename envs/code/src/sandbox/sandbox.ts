import { chmodSync, lstatSync, mkdirSync, mkdtempSync, opendirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkgymError } from '@workgym/protocol';
import { createRegularFile } from './regular-file.js';
import { killGroup, runCommand, SpawnFailedError, type Identity, type RunOptions, type RunResult } from './run-command.js';
import { removeWithinBudget } from './tree.js';

/** Who a piece of work runs as: the agent's commands, or the code under judgement (hidden checks). */
export type Role = 'agent' | 'judge';

/** Where things live and which users own them. */
export interface SandboxLayout {
  /** The agent's working directory. */
  workspace: string;
  /** The agent's HOME. */
  home: string;
  /** Where judged code runs (mode 0700, owned by the judge user). */
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

/** How long SIGKILL passes may take to leave a role without processes (zombies included). */
const KILL_DEADLINE_MS = 10_000;
/** Waits before retrying a command that found no free process slot (zombies not yet reaped). */
const SPAWN_RETRY_MS = [20, 50, 100, 200, 400, 800];
/** Entries removed in this process before the rest goes to rm, and entries handed to one rm. */
const QUICK_REMOVE_BUDGET = 2_000;
const REMOVE_BATCH = 1_000;
// Root with DAC_OVERRIDE and FOWNER removes whatever the roles left, whatever its modes; rm
// walks trees of any depth with openat. The fallback is for local mode, where the remover is
// the modes' owner: make every directory enterable and writable, then remove.
const REMOVE_SCRIPT =
  'rm -rf --one-file-system -- "$@" 2>/dev/null || { find "$@" -type d ! -perm -u=rwx -execdir chmod u+rwx {} \\; ; rm -rf --one-file-system -- "$@"; }';

/**
 * The machine the agent works on. In a container (isolated) every agent command runs as the
 * agent user and judged code as the judge user; the server (root with SETUID, SETGID, KILL,
 * DAC_OVERRIDE and FOWNER) switches its effective ids to act on files as one of them, so the
 * kernel enforces who may touch what, and removes their leftovers as root. Locally
 * (development only) everything runs as the current user in a temporary directory: not isolated.
 */
export class Sandbox {
  readonly isolated: boolean;
  private acting: Role | undefined;

  constructor(readonly layout: SandboxLayout) {
    this.isolated = layout.users !== undefined;
  }

  /** Container mode when the image says so (WORKGYM_CODE_SANDBOX=isolated), else a local temporary layout. */
  static fromEnvironment(): Sandbox {
    if (process.env.WORKGYM_CODE_SANDBOX === 'isolated') {
      if (process.getuid?.() !== 0) {
        throw new SandboxSetupError('the isolated code sandbox needs the server to run as uid 0 (with SETUID, SETGID, KILL, DAC_OVERRIDE and FOWNER)');
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
   * role's own (the kernel also clears root's effective capabilities meanwhile). Synchronous on
   * purpose: nothing else in this process may run meanwhile.
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

  /**
   * Runs a command as the role, in its own process group. When it ends (by itself, at its
   * timeout or at an abort) every process of the role is killed, however it detached, so
   * nothing it started outlives it or holds a process slot.
   */
  async run(role: Role, options: Omit<RunOptions, 'user' | 'env' | 'reap'> & { env?: Record<string, string> }): Promise<RunResult> {
    if (!this.isolated) mkdirSync(join(this.layout[role === 'agent' ? 'home' : 'judge'], '.tmp'), { recursive: true });
    // The child changes directory before it drops to the role's uid, so root (which may enter
    // anything) would do the cd: the role's own shell does it instead, with the role's rights.
    // It also raises its OOM score, so under memory pressure the kernel kills the role's
    // processes, never the env server.
    const argv = this.isolated ? ['/bin/sh', '-c', ISOLATED_START, options.cwd, ...options.argv] : options.argv;
    const command: RunOptions = {
      ...options,
      argv,
      cwd: this.isolated ? '/' : options.cwd,
      env: { ...this.environment(role), ...options.env },
      user: this.layout.users?.[role],
      reap: async (pgid) => {
        killGroup(pgid);
        await this.killAll(role);
      },
    };
    for (let attempt = 0; ; attempt++) {
      // An abort (the session closed) must stop work that has not started, too.
      options.signal?.throwIfAborted();
      try {
        return await runCommand(command);
      } catch (error) {
        if (!(error instanceof SpawnFailedError) || error.errno !== 'EAGAIN' || attempt >= SPAWN_RETRY_MS.length) throw error;
        // No process slot: the role's last processes may still await reaping by init.
        await this.killAll(role);
        await sleep(SPAWN_RETRY_MS[attempt]!);
      }
    }
  }

  /**
   * Kills every process of the role, including daemons that left their process group, and
   * waits until none is left, zombies included (each holds a process slot until reaped). Each
   * pass SIGKILLs all it finds; a killed process cannot fork again, so a fork bomb runs dry.
   * Returns how many were still there at the deadline (0 unless something is badly wrong).
   * Local mode has no user to find processes by: each command's group dies with it instead.
   */
  async killAll(role: Role): Promise<number> {
    const user = this.layout.users?.[role];
    if (!user) return 0;
    const deadline = Date.now() + KILL_DEADLINE_MS;
    for (let pass = 0; ; pass++) {
      const { live, zombies } = tasksOf(user.uid);
      if (live.length === 0 && zombies === 0) return 0;
      if (Date.now() > deadline) return live.length + zombies;
      for (const pid of live) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // exited meanwhile
        }
      }
      if (live.length === 0 || pass > 2) await sleep(pass > 20 ? 10 : 1);
    }
  }

  /**
   * Gives the roles a clean slate: their processes killed, the modes of their mount points
   * restored, their directories emptied, their files in shared directories and their IPC
   * objects gone. Nothing they did to modes, depth or entry counts can stop it.
   */
  async clean(...roles: Role[]): Promise<void> {
    for (const role of roles) {
      const left = await this.killAll(role);
      if (left > 0) throw new SandboxSetupError(`${left} processes of the ${role} user could not be killed`);
    }
    if (this.isolated) {
      // Each role owns its mount points and may have chmod-ed them; the next episode must not inherit that.
      if (roles.includes('agent')) {
        this.as('agent', () => {
          chmodSync(this.layout.workspace, 0o755);
          chmodSync(this.layout.home, 0o700);
        });
      }
      if (roles.includes('judge')) this.as('judge', () => chmodSync(this.layout.judge, 0o700));
    }
    const own = roles.flatMap((role) => (role === 'agent' ? [this.layout.workspace, this.layout.home] : [this.layout.judge]));
    for (const dir of own) await this.emptyDirectory(dir, () => true);
    const uids = new Set(roles.map((role) => this.layout.users?.[role]?.uid));
    for (const dir of this.layout.shared) await this.emptyDirectory(dir, (uid) => uids.has(uid));
    for (const role of roles) {
      const user = this.layout.users?.[role];
      if (user && ownsIpcObjects(user.uid)) await this.run(role, { argv: ['ipcrm', '--all'], cwd: '/', timeoutMs: 30_000 }).catch(() => undefined);
    }
  }

  /** Writes files under `root` (a directory it has just emptied) as the role; nothing there yet, so nothing is followed. */
  writeFiles(role: Role, root: string, files: Record<string, string>): void {
    this.as(role, () => {
      for (const [path, content] of Object.entries(files)) {
        const full = join(root, path);
        mkdirSync(dirname(full), { recursive: true });
        createRegularFile(full, content);
      }
    });
  }

  /** Removes paths and everything under them, as root in the container (as the current user locally). */
  async removePaths(paths: string[]): Promise<void> {
    if (removeWithinBudget(paths, QUICK_REMOVE_BUDGET)) return;
    for (let i = 0; i < paths.length; i += REMOVE_BATCH) {
      const batch = paths.slice(i, i + REMOVE_BATCH);
      const result = await runCommand({
        argv: ['/bin/sh', '-c', REMOVE_SCRIPT, 'remove', ...batch],
        cwd: '/',
        env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
        timeoutMs: 120_000,
      });
      if (result.exitCode !== 0) {
        throw new SandboxSetupError(`could not remove ${batch.length} leftover path(s) such as ${batch[0]}: ${result.stderr.text().slice(0, 300)}`);
      }
    }
  }

  /** Removes the entries of `dir` whose owner `select` picks, in batches read as they come (any number). */
  private async emptyDirectory(dir: string, select: (uid: number) => boolean): Promise<void> {
    let previous: string | undefined;
    for (;;) {
      const batch = entriesOf(dir, REMOVE_BATCH, select);
      if (batch.length === 0) return;
      // rm reported success, so these are gone; seeing one again means something keeps making it.
      if (batch[0] === previous) throw new SandboxSetupError(`${previous} comes back after removal`);
      previous = batch[0];
      await this.removePaths(batch);
    }
  }
}

const ISOLATED_START = 'echo 1000 > /proc/self/oom_score_adj 2>/dev/null; cd "$0" || exit 126; exec "$@"';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Up to `max` paths of entries of `dir` whose owner `select` picks. */
function entriesOf(dir: string, max: number, select: (uid: number) => boolean): string[] {
  let handle;
  try {
    handle = opendirSync(dir);
  } catch {
    return [];
  }
  const paths: string[] = [];
  try {
    for (let entry = handle.readSync(); entry !== null && paths.length < max; entry = handle.readSync()) {
      const path = join(dir, entry.name);
      const owner = ownerOf(path);
      if (owner !== undefined && select(owner)) paths.push(path);
    }
  } finally {
    handle.closeSync();
  }
  return paths;
}

/** The role's processes (by real uid): live ones, and how many zombies still hold a slot. */
function tasksOf(uid: number): { live: number[]; zombies: number } {
  const live: number[] = [];
  let zombies = 0;
  for (const name of safeReaddir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${name}/status`, 'utf8');
    } catch {
      continue;
    }
    if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) !== uid) continue;
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    if (state === 'Z' || state === 'X') zombies += 1;
    else live.push(Number(name));
  }
  return { live, zombies };
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
