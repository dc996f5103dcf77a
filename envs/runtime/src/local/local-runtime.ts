import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { EnvClient } from '@workgym/protocol';
import { TASKS_ENV, taskSetEnvValue } from '@workgym/protocol/kit';
import type { EnvInstance, EnvRuntime, EnvServerSpec, ExitInfo, StartOptions } from '../runtime.js';
import { StderrTail } from '../stderr-tail.js';
import { resolveTaskPaths } from '../task-paths.js';

/** Runs env servers as child processes of this Node over stdio: fast, not isolated. */
export class LocalRuntime implements EnvRuntime {
  readonly kind = 'local' as const;

  async start(spec: EnvServerSpec, options: StartOptions = {}): Promise<EnvInstance> {
    options.signal?.throwIfAborted();
    const child = spawn(process.execPath, [spec.serverBundle], { stdio: ['pipe', 'pipe', 'pipe'], env: serverEnv(spec) });
    const stderr = new StderrTail();
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let alive = true;
    const exited = new Promise<ExitInfo>((resolve) =>
      child.once('exit', (exitCode, signal) => {
        alive = false;
        resolve({ exitCode, signal });
      }),
    );
    child.stdin.on('error', () => undefined); // EPIPE after death surfaces through the client
    const client = new EnvClient(
      { input: child.stdout, output: child.stdin, describeExit: async () => ({ ...(await exited), stderrTail: stderr.toString() }) },
      { name: `${spec.name} (local pid ${child.pid})`, deadlineMs: options.callDeadlineMs },
    );
    const close = async () => {
      if (!alive) return;
      await client.close();
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    };
    try {
      await Promise.race([once(child, 'spawn'), exited.then((e) => Promise.reject(new Error(`exited at start: ${e.exitCode}`)))]);
    } catch (error) {
      await close();
      throw error;
    }
    return {
      id: `local-${child.pid ?? randomUUID()}`,
      runtime: 'local',
      client,
      exited,
      get alive() {
        return alive;
      },
      close,
      [Symbol.asyncDispose]: close,
    };
  }
}

/**
 * The server's environment: this process's, the spec's, and WORKGYM_TASKS naming exactly the
 * spec's task sets (one inherited from the shell is dropped, so the server serves what the
 * caller listed in-process).
 */
function serverEnv(spec: EnvServerSpec): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env };
  delete env[TASKS_ENV];
  if (spec.tasks && spec.tasks.length > 0) env[TASKS_ENV] = taskSetEnvValue(resolveTaskPaths(spec.tasks));
  return env;
}
