import { spawn } from 'node:child_process';
import { WorkgymError } from '@workgym/protocol';
import { LineReader } from './line-reader.js';
import { OutputCapture } from './output-capture.js';

export interface Identity {
  uid: number;
  gid: number;
}

/** A conversation with a running command over its stdin and stdout, one line at a time. */
export interface CommandConversation {
  send(line: string): void;
  /** The next line of stdout; undefined when stdout has ended or `timeoutMs` passed first. */
  nextLine(timeoutMs: number): Promise<string | undefined>;
}

export interface RunOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Run as this user (the server must hold CAP_SETUID/CAP_SETGID). */
  user?: Identity;
  timeoutMs: number;
  signal?: AbortSignal;
  stdin?: string;
  /** Talks to the command over stdin/stdout while it runs (stdin closes when this settles). */
  converse?(conversation: CommandConversation): Promise<void>;
  /** Bytes of each stream kept from its start and from its end. */
  keepBytes?: { head: number; tail: number };
  /**
   * Kills what the command left behind, once its first process has exited (by itself, at the
   * timeout or at an abort). Given the process group id. Default: SIGKILL the group.
   */
  reap?(pgid: number): Promise<void>;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
  stdout: OutputCapture;
  stderr: OutputCapture;
}

/** A command could not be started at all (no process slot left, no such program...). */
export class SpawnFailedError extends WorkgymError {
  constructor(
    readonly errno: string,
    message: string,
  ) {
    super('WORKGYM_CODE_SPAWN_FAILED', message);
  }
}

// Once everything the command started is dead its pipes close at once; a process out of reach
// of the reaper (local mode: one that left the process group) may hold them, so stop reading then.
const PIPE_GRACE_MS = 1_000;
const MAX_LINE_BYTES = 1024 * 1024;

export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/**
 * Runs a command in its own process group (a new session). When its first process exits, or
 * at the deadline, `reap` kills everything it left, so no process outlives the command.
 */
export function runCommand(options: RunOptions): Promise<RunResult> {
  const keep = options.keepBytes ?? { head: 8_000, tail: 8_000 };
  const stdout = new OutputCapture(keep.head, keep.tail);
  const stderr = new OutputCapture(keep.head, keep.tail);
  const reap = options.reap ?? (async (pgid: number) => killGroup(pgid));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(options.argv[0]!, options.argv.slice(1), {
        cwd: options.cwd,
        env: options.env,
        uid: options.user?.uid,
        gid: options.user?.gid,
        detached: true,
        stdio: [options.stdin === undefined && !options.converse ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      reject(new SpawnFailedError(code, `could not start ${options.argv[0]}: ${(error as Error).message}`));
      return;
    }
    let timedOut = false;
    let exited = false;
    const pgid = child.pid;
    const kill = () => {
      if (pgid !== undefined) killGroup(pgid);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', kill, { once: true });
    const cleanUp = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', kill);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (exited) return;
      cleanUp();
      reject(new SpawnFailedError(error.code ?? 'EUNKNOWN', `could not start ${options.argv[0]}: ${error.message}`));
    });
    const lines = options.converse ? new LineReader(MAX_LINE_BYTES) : undefined;
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      lines?.push(chunk);
    });
    child.stdout!.once('close', () => lines?.end());
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (child.stdin) {
      const stdin = child.stdin;
      stdin.on('error', () => undefined); // a command that ignores its input closes the pipe early
      if (options.converse && lines) {
        const send = (line: string) => {
          if (!stdin.destroyed && !stdin.writableEnded) stdin.write(`${line}\n`);
        };
        // A conversation that fails ends the command: what it would have sent never comes.
        options
          .converse({ send, nextLine: (ms) => lines.next(ms) })
          .catch(kill)
          .finally(() => stdin.end());
      } else {
        stdin.end(options.stdin);
      }
    }
    child.once('exit', (exitCode, signal) => {
      exited = true;
      cleanUp();
      const finish = () => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        lines?.end();
        resolve({ exitCode, signal, timedOut, durationMs: performance.now() - started, stdout, stderr });
      };
      void reap(pgid!)
        .catch(() => undefined)
        .then(() => {
          if (child.stdout!.closed && child.stderr!.closed) return finish();
          const grace = setTimeout(finish, PIPE_GRACE_MS);
          child.once('close', () => {
            clearTimeout(grace);
            finish();
          });
        });
    });
  });
}
