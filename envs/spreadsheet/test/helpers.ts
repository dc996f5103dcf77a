import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolCall as call, type EnvClient, type ResetReply, type StepReply } from '@workgym/protocol';
import { connectInProcess } from '@workgym/protocol/testing';
import { manifestServerSpec, type EnvServerSpec } from '@workgym/runtime';
import { manifest, SpreadsheetEnv } from '../src/index.js';
import type { FamilyDef } from '../src/tasks/task.js';

/** A client talking to a SpreadsheetEnv of `families` (default: the shipped ones) and task sets `tasks` in this process over in-memory streams. */
export function inProcessClient(families?: readonly FamilyDef[], tasks?: readonly string[]): EnvClient {
  return connectInProcess(new SpreadsheetEnv(families, { tasks })).client;
}

let spec: Promise<EnvServerSpec> | undefined;

/** The spreadsheet env's image (content-hashed: built once) as a runtime spec. */
export function spreadsheetSpec(): Promise<EnvServerSpec> {
  spec ??= manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-test') });
  return spec;
}

export { call };

export interface OpenEpisode {
  reset: ResetReply;
  session: string;
  step(name: string, args?: object): Promise<StepReply>;
  close(): Promise<void>;
}

/** One open episode with a shorthand for its tools. */
export async function open(client: EnvClient, family: string, seed = 1, options?: Record<string, unknown>): Promise<OpenEpisode> {
  const reset = await client.reset({ family, seed, options });
  const step = (name: string, args: object = {}) => client.step(reset.session, [call(name, args)]);
  return { reset, session: reset.session, step, close: () => client.closeSession(reset.session) };
}

/** Runs the expert (the seed's strategy unless one is named) to the end of the episode and returns the final reply. */
export async function runExpert(client: EnvClient, session: string, maxSteps = 60, strategy = ''): Promise<StepReply> {
  for (let i = 0; i < maxSteps; i++) {
    const action = await client.expert(session, { strategy });
    const reply = await client.step(session, action.calls);
    if (reply.terminated || reply.truncated) return reply;
  }
  throw new Error(`the expert did not finish within ${maxSteps} steps`);
}

export function errorKind(reply: StepReply): string | undefined {
  return reply.results[0]?.error?.kind;
}
