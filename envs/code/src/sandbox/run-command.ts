import { spawn } from 'node:child_process';
import { WorkgymError } from '@workgym/protocol';
import { OutputCapture } from './output-capture.js';

export interface Identity {
  uid: number;
  gid: number;
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
  /** Bytes of each stream kept from its start and from its end. */
  keepBytes?: { head: number; tail: number };
  /** Told the process group id as soon as the process exists (local mode tracks them). */
  onStart?(pgid: number): void;
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

// Background processes may keep the output pipes open after the command itself exits; wait
// this long for them to close, then stop reading, so `cmd &` never blocks a step.
const PIPE_GRACE_MS = 100;

/**
 * Runs a command in its own process group (a new session) and kills the whole group at the
 * deadline, so children a command started cannot outlive its timeout.
 */
export function runCommand(options: RunOptions): Promise<RunResult> {
  const keep = options.keepBytes ?? { head: 8_000, tail: 8_000 };
  const stdout = new OutputCapture(keep.head, keep.tail);
  const stderr = new OutputCapture(keep.head, keep.tail);
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
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      reject(new SpawnFailedError(code, `could not start ${options.argv[0]}: ${(error as Error).message}`));
      return;
    }
    let timedOut = false;
    let exited = false;
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    const onAbort = () => killGroup();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanUp = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (exited) return;
      cleanUp();
      reject(new SpawnFailedError(error.code ?? 'EUNKNOWN', `could not start ${options.argv[0]}: ${error.message}`));
    });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // a command that ignores its input closes the pipe early
      child.stdin.end(options.stdin);
    }
    child.once('exit', (exitCode, signal) => {
      exited = true;
      cleanUp();
      const finish = () => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        resolve({ exitCode, signal, timedOut, durationMs: performance.now() - started, stdout, stderr });
      };
      const grace = setTimeout(finish, PIPE_GRACE_MS);
      child.once('close', () => {
        clearTimeout(grace);
        finish();
      });
    });
  });
}
