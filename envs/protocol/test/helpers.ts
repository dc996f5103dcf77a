import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { EnvClient, serveEnv, type EnvClientOptions, type Environment, type ServeOptions } from '../src/index.js';
import { counterServerEntry } from '../src/testing/index.js';

/** A client and a server joined by in-memory streams. */
export function connectInProcess(env: Environment, options: { client?: EnvClientOptions; server?: ServeOptions } = {}) {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const server = serveEnv(env, toServer, fromServer, options.server);
  const client = new EnvClient({ input: fromServer, output: toServer }, options.client);
  return { client, server, toServer, fromServer };
}


/** The counter env server as a real child process, run from source. */
export function spawnCounterServer(options: EnvClientOptions = {}) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', counterServerEntry], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ exitCode: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  const client = new EnvClient(
    { input: child.stdout, output: child.stdin, describeExit: async () => ({ ...(await exited), stderrTail: stderr }) },
    options,
  );
  return { child, client, exited };
}
