import { PassThrough } from 'node:stream';
import { EnvClient, serveEnv, type Environment } from '@workgym/protocol';

/** A client talking to `env` in this process over in-memory streams. */
export function inProcessClient(env: Environment): EnvClient {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  serveEnv(env, toServer, fromServer);
  return new EnvClient({ input: fromServer, output: toServer });
}
