import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpertAgent, rollout } from '@workgym/agents';
import { LocalRuntime } from '@workgym/runtime';
import { createRun, openRun, TEST_CANARY, type EpisodeRecord } from '@workgym/trajectories';
import { counterSpec } from '../../../envs/runtime/test/helpers.js';
import { workgym } from './run-cli.js';

// Real expert episodes of the counter test env (its server a child process), on the train and on
// the test split, stored together in one run: what `data export`, `data sft` and `train` must not
// turn into training data unless told to, and must mark when told to.

let dir: string;
let mixed: string;
let trainOnly: string;
let testIds: Set<string>;

async function expertRun(out: string, split: 'train' | 'test'): Promise<EpisodeRecord[]> {
  await rollout({
    runtime: new LocalRuntime(),
    agent: new ExpertAgent({ strategy: 'jump', seed: 1 }),
    envs: [{ name: 'counter', spec: await counterSpec(), families: ['counter/reach-target'] }],
    out,
    tasksPerFamily: 2,
    group: 1,
    split,
    seed: 0,
    parallel: 2,
    limits: { maxSteps: 10, stepDeadlineMs: 30_000, episodeDeadlineMs: 120_000 },
  });
  await using reader = await openRun(out);
  const records: EpisodeRecord[] = [];
  for await (const record of reader.records()) records.push(record);
  return records;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-leak-'));
  trainOnly = join(dir, 'train-only');
  const train = await expertRun(trainOnly, 'train');
  const test = (await expertRun(join(dir, 'test-only'), 'test')).map((r) => ({ ...r, episodeId: `test-${r.episodeId}` }));
  expect(train.every((r) => r.split === 'train' && r.success)).toBe(true);
  expect(test.every((r) => r.split === 'test' && r.success)).toBe(true);
  testIds = new Set(test.map((r) => r.episodeId!));
  mixed = join(dir, 'mixed');
  const writer = await createRun(mixed);
  for (const record of [...train, ...test]) await writer.append(record);
  await writer.finalize();
}, 300_000);

const jsonLines = async <T>(path: string) =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);

const REFUSAL = `workgym: 2 selected episodes are from the test split, kept for evaluation: refused; --include-test uses them anyway, each exported test record marked with ${TEST_CANARY}`;

/** Exit 1, the one refusal line on stderr, and nothing left in the output folder. */
async function expectRefused(args: string[], outDir: string): Promise<void> {
  const { code, stdout, stderr } = await workgym(...args);
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr.trimEnd()).toBe(REFUSAL);
  expect(existsSync(outDir) ? await readdir(outDir) : []).toEqual([]);
}

describe('test-split episodes in the commands that make training data', () => {
  it('data export refuses them in every format, leaving no file', { timeout: 300_000 }, async () => {
    for (const format of ['openai', 'openai-dpo', 'trl', 'sharegpt', 'rl-parquet', 'proto']) {
      const out = join(dir, `refused-${format}`);
      await expectRefused(['data', 'export', mixed, '--format', format, '--out', join(out, 'data')], out);
    }
  });

  it('data export --include-test marks exactly the test rows with the canary', { timeout: 300_000 }, async () => {
    for (const format of ['openai', 'trl', 'sharegpt']) {
      const out = join(dir, `${format}.jsonl`);
      const result = await workgym('data', 'export', mixed, '--format', format, '--out', out, '--include-test');
      expect(result.code, result.stderr).toBe(0);
      const rows = await jsonLines<{ metadata?: { canary: string } }>(out);
      expect(rows).toHaveLength(4);
      // Rows are in episode-id order: the two train episodes (ep-…), then the two test ones (test-…).
      expect(rows.map((r) => r.metadata?.canary)).toEqual([undefined, undefined, TEST_CANARY, TEST_CANARY]);
      expect((await readFile(out, 'utf8')).split(TEST_CANARY)).toHaveLength(3);
    }
    const parquet = join(dir, 'rl.parquet');
    expect((await workgym('data', 'export', mixed, '--format', 'rl-parquet', '--out', parquet, '--include-test')).code).toBe(0);
    const file = await readFile(parquet);
    const rows = (await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) })) as {
      extra_info: { episode_id: string; canary: string | null };
    }[];
    expect(rows.map((r) => [r.extra_info.episode_id.startsWith('test-'), r.extra_info.canary])).toEqual([
      [false, null],
      [false, null],
      [true, TEST_CANARY],
      [true, TEST_CANARY],
    ]);
  });

  it('data sft refuses them; --include-test marks exactly the sequences holding a test episode', { timeout: 300_000 }, async () => {
    const refused = join(dir, 'sft-refused');
    await expectRefused(['data', 'sft', mixed, '--out', refused], refused);
    const out = join(dir, 'sft');
    const result = await workgym('data', 'sft', mixed, '--out', out, '--no-pack', '--include-test');
    expect(result.code, result.stderr).toBe(0);
    const lines = await jsonLines<{ examples: string[]; canary?: string }>(join(out, 'sft.jsonl'));
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line.canary).toBe(line.examples.some((id) => testIds.has(id)) ? TEST_CANARY : undefined);
    expect(lines.filter((l) => l.canary)).toHaveLength(2);
  });

  it('train --from refuses them; --include-test learns from them', { timeout: 300_000 }, async () => {
    const refused = join(dir, 'policy-refused');
    await expectRefused(['train', '--from', mixed, '--out', refused], refused);
    const result = await workgym('train', '--from', mixed, '--out', join(dir, 'policy'), '--include-test');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/from 4 successful episodes/);
  });

  it('a run of train episodes only is exported, packed and learnt from as before: no flag, no canary', { timeout: 300_000 }, async () => {
    const out = join(dir, 'train-only.jsonl');
    expect((await workgym('data', 'export', trainOnly, '--format', 'openai', '--out', out)).code).toBe(0);
    const sft = join(dir, 'sft-train-only');
    expect((await workgym('data', 'sft', trainOnly, '--out', sft)).code).toBe(0);
    for (const file of [out, join(sft, 'sft.jsonl'), join(sft, 'sft-meta.json')]) expect(await readFile(file, 'utf8')).not.toContain(TEST_CANARY);
    const trained = await workgym('train', '--from', trainOnly, '--out', join(dir, 'policy-train-only'));
    expect(trained.code, trained.stderr).toBe(0);
  });
});
