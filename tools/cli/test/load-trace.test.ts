import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '@workgym/trajectories';
import { CLI_ARGS } from './run-cli.js';

// What a command line loads, recorded by module hooks (load-trace.mjs): the help texts load no
// package a command runs, and a command loads what it runs and nothing of the other commands.

const root = fileURLToPath(new URL('../../..', import.meta.url));
const hooks = fileURLToPath(new URL('load-trace.mjs', import.meta.url));
let dir: string;

/** The workspace folders (`envs/protocol`, `trainers`, ...) and npm packages whose modules `workgym ...args` loads. */
async function loaded(...args: string[]): Promise<{ workspace: string[]; npm: string[]; files: string[] }> {
  const trace = join(dir, `trace-${args.join('-').replace(/\W+/g, '_')}.txt`);
  const [node, loader, tsx, main] = CLI_ARGS;
  await promisify(execFile)(process.execPath, [node!, loader!, tsx!, '--import', hooks, main!, ...args], {
    env: { ...process.env, WORKGYM_LOAD_TRACE: trace },
    timeout: 300_000,
  });
  const files = (await readFile(trace, 'utf8'))
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => relative(root, fileURLToPath(url)));
  const npm = files.flatMap((f) => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? []);
  const workspace = files.filter((f) => !f.includes('node_modules/')).map((f) => /^(envs\/[^/]+|tools\/cli|[^/]+)/.exec(f)![1]!);
  return { workspace: [...new Set(workspace)].sort(), npm: [...new Set(npm)].sort(), files };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-load-trace-'));
  const writer = await createRun(join(dir, 'run'));
  await writer.append({ episodeId: 'ep-1', env: 'code', family: 'code/sql-query', seed: 1, status: 'success', success: true, finalReward: 1, steps: [] });
  await writer.finalize();
});

describe('what a workgym command line loads', () => {
  it.each(['--help', 'data --help', 'envs --help', 'rollout --help', 'worker --help', 'view --help'])(
    '`workgym %s` loads the CLI, commander and the protocol errors only',
    { timeout: 300_000 },
    async (line) => {
      const { workspace, npm, files } = await loaded(...line.split(' '));
      expect(npm).toEqual(['commander']);
      expect(workspace).toEqual(['envs/protocol', 'tools/cli']);
      expect(files.filter((f) => f.startsWith('envs/protocol/'))).toEqual(['envs/protocol/src/errors.ts']);
    },
  );

  it('`workgym rollout` without --queue loads nothing of the queue (bullmq, ioredis)', { timeout: 300_000 }, async () => {
    const { npm } = await loaded('rollout', '--env', 'spreadsheet', '--agent', 'expert', '--out', join(dir, 'plan'), '--dry-run');
    expect(npm).toContain('zod');
    for (const queue of ['bullmq', 'ioredis']) expect(npm).not.toContain(queue);
  });

  it('`workgym data stats RUN` loads the store, and nothing of the envs, runtime, agents or trainers', { timeout: 300_000 }, async () => {
    const { workspace, npm } = await loaded('data', 'stats', join(dir, 'run'));
    expect(workspace).toEqual(['envs/protocol', 'tools/cli', 'trajectories']);
    for (const heavy of ['@huggingface/jinja', 'dockerode', 'exceljs', 'puppeteer-core', '@napi-rs/canvas']) expect(npm).not.toContain(heavy);
  });
});
