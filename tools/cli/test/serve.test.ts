import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvClient, encodeFrame, FrameDecoder, toolCall, wire } from '@workgym/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FAST_CLI_ARGS, workgym } from './run-cli.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
// Serving starts the CLI from source, and a container needs its server bundled and its image checked
// first: slow on a busy machine.
const SERVE_TEST_MS = 300_000;

/** `workgym serve ...args` as a real process, with what it wrote to stderr and how it exited. */
function serve(...args: string[]) {
  const child = spawn(process.execPath, [...FAST_CLI_ARGS, 'serve', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGTERM'));
  child.stdin.on('error', () => undefined); // a server that died is reported by its exit
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** Reads the repository's package.json through the env's bash tool. */
async function readRepoFromEnv(client: EnvClient): Promise<string> {
  const { session } = await client.reset({ family: 'code/sql-query', seed: 1 });
  const reply = await client.step(session, [toolCall('bash', { command: `cat ${join(repo, 'package.json')}` })]);
  await client.closeSession(session);
  return reply.results[0]!.text;
}

describe('workgym serve', { timeout: SERVE_TEST_MS }, () => {
  it('runs the env in its hardened container by default, where it cannot see this repository', async () => {
    const { child, exited, stderr } = serve('code');
    const client = new EnvClient({ input: child.stdout, output: child.stdin }, { deadlineMs: 240_000 });
    expect(await client.hello()).toMatchObject({ name: 'code' });
    expect((await client.listTasks()).families.map((f) => f.id)).toContain('code/sql-query');
    const seen = await readRepoFromEnv(client);
    expect(seen).toContain('No such file or directory');
    expect(seen).not.toContain('"name": "workgym"');
    await client.close();
    expect(await exited).toBe(0);
    expect(stderr()).not.toContain('--runtime local');
  });

  it('runs the env on this host only with --runtime local, warning on stderr that it can read this repository', async () => {
    const { child, exited, stderr } = serve('code', '--runtime', 'local');
    const client = new EnvClient({ input: child.stdout, output: child.stdin }, { deadlineMs: 240_000 });
    expect(await readRepoFromEnv(client)).toContain('"name": "workgym"');
    expect(stderr()).toContain('workgym serve: warning: --runtime local serves the env on this host');
    await client.close();
    expect(await exited).toBe(0);
  });

  it('warns about --runtime local in --help', async () => {
    const { code, stdout } = await workgym('serve', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('--runtime <kind>');
    expect(stdout).toMatch(/Warning: --runtime local serves the env on this host, in this process, with no\s+container/);
  });

  it('relays frames byte for byte: a 2 GiB length prefix reaches the server, which refuses it and closes', async () => {
    const { child, exited } = serve('code');
    const decoder = new FrameDecoder();
    const answers: string[] = [];
    let answered: () => void = () => undefined;
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    child.stdout.on('data', (chunk: Buffer) => {
      for (const e of decoder.push(chunk)) {
        if (e.kind !== 'frame') continue;
        const response = wire.Response.decode(e.bytes);
        answers.push(`${response.id} ${response.error?.code ?? response.result}`);
        answered();
      }
    });
    const ended = new Promise((resolve) => child.stdout.once('end', resolve));
    const hello = (id: number) => encodeFrame(wire.Request.encode({ id, hello: {} }).finish());
    child.stdin.write(hello(1));
    await Promise.race([firstAnswer, ended]);
    child.stdin.write(Buffer.concat([Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]), hello(2)]));
    await ended;
    expect(answers).toEqual(['1 hello', '0 frame_too_large']);
    expect(await exited).toBe(0);
  });

  it('names the known envs when asked to serve an unknown one', async () => {
    const { code, stderr } = await workgym('serve', 'no-such-env');
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown env "no-such-env"; known envs:/);
  });

  it('refuses a runtime it does not know', async () => {
    const { code, stderr } = await workgym('serve', 'code', '--runtime', 'cloud');
    expect(code).toBe(1);
    expect(stderr).toContain('--runtime must be docker or local, not cloud');
  });
});
