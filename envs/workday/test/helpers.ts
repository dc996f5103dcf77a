import { PassThrough } from 'node:stream';
import { EnvClient, serveEnv } from '@workgym/protocol';
import { WorkdayEnv, type WorkdayEnvOptions } from '../src/index.js';

/** A workday env served in this process over in-memory streams, with a client. */
export function connectWorkdayEnv(options: WorkdayEnvOptions = {}) {
  const env = new WorkdayEnv(options);
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  const server = serveEnv(env, toServer, fromServer);
  const client = new EnvClient({ input: fromServer, output: toServer }, { deadlineMs: 60_000 });
  const close = async () => {
    await client.close();
    await server.close();
    await env.close();
  };
  return { env, client, server, close };
}
