import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

let dir: string;
let run: string;

// One real rollout in the code env's container, then everything a user does with the run.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-data-'));
  run = join(dir, 'run');
  const rollout = await workgym('rollout', '--env', 'code', '--family', 'code/sql-query', '--agent', 'expert', '--episodes', '2', '--out', run);
  expect(rollout.code, rollout.stderr).toBe(0);
}, 300_000);

describe('workgym rollout, then workgym data', () => {
  it('reports the run in the documented JSON shape', async () => {
    const { code, stdout } = await workgym('data', 'stats', run, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ episodes: 2, successRate: 1, byEnv: { code: { episodes: 2 } } });
  });

  it('shows one episode as a transcript', async () => {
    const { code, stdout } = await workgym('data', 'show', run, 'code/sql-query:train:0:0');
    expect(code).toBe(0);
    expect(stdout).toMatch(/sql/i);
    expect(stdout).toMatch(/submit|answer/);
  });

  it('exports OpenAI chat JSONL with one line per episode', async () => {
    const out = join(dir, 'sft.jsonl');
    const { code } = await workgym('data', 'export', run, '--format', 'openai', '--out', out);
    expect(code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string }[] });
    expect(lines).toHaveLength(2);
    expect(lines[0]!.messages.some((m) => m.role === 'tool')).toBe(true);
  });

  it('refuses to start a second rollout into the same folder, naming --resume', async () => {
    const again = await workgym('rollout', '--env', 'code', '--agent', 'expert', '--out', run);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a run.*--resume/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });

  it('verifies the run, and exits non-zero once a shard byte is flipped', async () => {
    expect((await workgym('data', 'verify', run)).code).toBe(0);
    const shards = join(run, 'shards');
    const [shard] = (await readdir(shards)).filter((f) => !f.endsWith('.idx'));
    const path = join(shards, shard!);
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    await writeFile(path, bytes);
    const damaged = await workgym('data', 'verify', run);
    expect(damaged.code).not.toBe(0);
    expect(damaged.stdout + damaged.stderr).toMatch(/damage|checksum|corrupt/i);
  });
});
