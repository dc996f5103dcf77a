import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { assertEnvConforms, EnvClient, serveEnv } from '@workgym/protocol';
import { NotesEnv } from '../src/env.js';

// workgym's conformance suite on the env, in this process: deterministic resets, tool schemas,
// invalid calls, every expert strategy solving the task with every value shown and a reason at
// each step, the near-misses failing, doing nothing and submitting at once scoring 0, the task
// done with a condition dropped failing, and no constant guess succeeding on more than 5% of seeds.
test('the env passes the workgym conformance suite', async () => {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  serveEnv(new NotesEnv(), toServer, fromServer);
  const client = new EnvClient({ input: fromServer, output: toServer });
  try {
    await assertEnvConforms(client, { seeds: [1, 2, 3] });
  } finally {
    await client.close();
  }
});
