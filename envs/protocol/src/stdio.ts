import type { Environment } from './environment.js';
import { serveEnv, type ServeOptions } from './server.js';

/**
 * Runs `env` as an env server process: protocol on stdin/stdout, logs on stderr. Resolves when
 * stdin ends (the client went away) or on SIGTERM/SIGINT, after every session is closed.
 */
export async function serveStdio(env: Environment, options: Omit<ServeOptions, 'log'> = {}): Promise<void> {
  // stdout carries protocol frames; a stray console.log from env code must not corrupt them.
  console.log = console.error;
  console.info = console.error;
  const server = serveEnv(env, process.stdin, process.stdout, {
    ...options,
    log: (line) => process.stderr.write(`[${env.name}] ${line}\n`),
  });
  const stop = () => void server.close();
  process.once('SIGTERM', stop).once('SIGINT', stop);
  await server.done;
}
