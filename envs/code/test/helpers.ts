import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, onTestFinished } from 'vitest';
import { ClientClosedError, RemoteError, ServerExitedError, toolCall as call, type EnvClient, type ResetReply, type StepReply } from '@workgym/protocol';
import { connectInProcess } from '@workgym/protocol/testing';
import { connectDocker, manifestServerSpec, type DockerRuntime, type EnvInstance, type EnvServerSpec } from '@workgym/runtime';
import { manifest, type CodeEnv } from '../src/index.js';

let spec: Promise<EnvServerSpec> | undefined;

/** The code env's image (content-hashed: built once) as a runtime spec. */
export function codeSpec(): Promise<EnvServerSpec> {
  spec ??= manifestServerSpec(manifest, { runtime: 'docker', bundleDir: join(tmpdir(), 'workgym-test') });
  return spec;
}

export { call };

/** A client of `env` served in this process (local sandbox); both close after the test file. */
export function servedInProcess(env: CodeEnv): EnvClient {
  const { client, close } = connectInProcess(env);
  afterAll(close);
  return client;
}

/** A container of the code env owned by the running test: closed when the test ends, however it ends. */
export async function ownInstance(runtime: DockerRuntime, callDeadlineMs = 60_000): Promise<EnvInstance> {
  const instance = await runtime.start(await codeSpec(), { callDeadlineMs });
  onTestFinished(() => instance.close());
  return instance;
}

export interface OpenEpisode {
  reset: ResetReply;
  session: string;
  step(name: string, args?: object): Promise<StepReply>;
  /** Runs a bash command and returns the observation text. */
  bash(command: string, timeout_s?: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * One open episode with shorthands for its tools. The session is closed when the test ends
 * (passed, failed or timed out), so a failing test never leaves the server's one slot taken.
 */
export async function open(client: EnvClient, family: string, seed = 1): Promise<OpenEpisode> {
  const reset = await client.reset({ family, seed });
  const step = (name: string, args: object = {}) => client.step(reset.session, [call(name, args)]);
  const bash = async (command: string, timeout_s?: number) => (await step('bash', timeout_s ? { command, timeout_s } : { command })).observation?.text ?? '';
  let closing: Promise<void> | undefined;
  const close = () => {
    // A short deadline: a session that cannot close within it belongs to a broken server anyway.
    closing ??= client.closeSession(reset.session, { deadlineMs: 20_000 }).catch((error: unknown) => {
      // Closed already: by the test itself, or with its container.
      const gone = error instanceof ClientClosedError || error instanceof ServerExitedError;
      if (!gone && !(error instanceof RemoteError && error.remoteCode === 'unknown_session')) throw error;
    });
    return closing;
  };
  onTestFinished(close);
  return { reset, session: reset.session, step, bash, close };
}

export function errorKind(reply: StepReply): string | undefined {
  return reply.results[0]?.error?.kind;
}

/** Runs a command in the instance's container as root, from outside the env (tests inspect with it). */
export async function execInContainer(instance: EnvInstance, argv: string[]): Promise<string> {
  const exec = await connectDocker().getContainer(instance.id).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, User: '0' });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  exec.modem.demuxStream(stream, stdout, new PassThrough());
  await new Promise((resolve) => stream.once('end', resolve).once('close', resolve));
  return Buffer.concat(chunks).toString('utf8');
}
