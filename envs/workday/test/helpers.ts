import { connectInProcess } from '@workgym/protocol/testing';
import { WorkdayEnv, type WorkdayEnvOptions } from '../src/index.js';

/** A workday env served in this process over in-memory streams, with a client. */
export function connectWorkdayEnv(options: WorkdayEnvOptions = {}) {
  const env = new WorkdayEnv(options);
  return { env, ...connectInProcess(env, { client: { deadlineMs: 60_000 } }) };
}
