import { extname } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { EnvClient, type EnvClientOptions } from '../client.js';
import type { Environment } from '../environment.js';
import { serveEnv, type ServeOptions } from '../server.js';

export { CounterEnv } from './counter-env.js';

const here = fileURLToPath(import.meta.url);
/** The counter env's stdio server entry (TypeScript from source, JavaScript once built). */
export const counterServerEntry = fileURLToPath(new URL(`./counter-server${extname(here)}`, import.meta.url));

/**
 * `env` served in this process, joined to a client by in-memory streams: the wire protocol in
 * full, without a process or a container. `close` closes the client, then the server (which closes the env).
 */
export function connectInProcess(env: Environment, options: { client?: EnvClientOptions; server?: ServeOptions } = {}) {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const server = serveEnv(env, toServer, fromServer, options.server);
  const client = new EnvClient({ input: fromServer, output: toServer }, options.client);
  const close = async () => {
    await client.close();
    await server.close();
  };
  return { client, server, toServer, fromServer, close };
}
