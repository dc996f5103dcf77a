import { test } from 'node:test';
import { assertEnvConforms } from '@workgym/protocol';
import { connectInProcess } from '@workgym/protocol/testing';
import { NotesEnv } from '../src/env.js';

// workgym's conformance suite on the env, in this process: deterministic resets, tool schemas,
// invalid calls, every expert strategy solving the task with every value shown and a reason at
// each step, the near-misses failing, doing nothing and submitting at once scoring 0, the task
// done with a condition dropped failing, and no constant guess succeeding on more than 5% of seeds.
test('the env passes the workgym conformance suite', async () => {
  const { client, close } = connectInProcess(new NotesEnv());
  try {
    await assertEnvConforms(client, { seeds: [1, 2, 3] });
  } finally {
    await close();
  }
});
