import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolCall as call, type EnvClient, type ResetReply, type StepReply } from '@workgym/protocol';
import { manifestServerSpec, type EnvServerSpec } from '@workgym/runtime';
import { manifest } from '../src/index.js';

let spec: Promise<EnvServerSpec> | undefined;

/** The code env's image (content-hashed: built once) as a runtime spec. */
export function codeSpec(): Promise<EnvServerSpec> {
  spec ??= manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-test') });
  return spec;
}

export { call };

export interface OpenEpisode {
  reset: ResetReply;
  session: string;
  step(name: string, args?: object): Promise<StepReply>;
  /** Runs a bash command and returns the observation text. */
  bash(command: string, timeout_s?: number): Promise<string>;
  close(): Promise<void>;
}

/** One open episode with shorthands for its tools. */
export async function open(client: EnvClient, family: string, seed = 1): Promise<OpenEpisode> {
  const reset = await client.reset({ family, seed });
  const step = (name: string, args: object = {}) => client.step(reset.session, [call(name, args)]);
  const bash = async (command: string, timeout_s?: number) => (await step('bash', timeout_s ? { command, timeout_s } : { command })).observation?.text ?? '';
  return { reset, session: reset.session, step, bash, close: () => client.closeSession(reset.session) };
}

export function errorKind(reply: StepReply): string | undefined {
  return reply.results[0]?.error?.kind;
}
