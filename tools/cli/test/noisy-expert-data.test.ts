import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExpertAgent, rollout } from '@workgym/agents';
import { LocalRuntime } from '@workgym/runtime';
import { loadTokenizer } from '@workgym/trainers';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { counterSpec } from '../../../envs/runtime/test/helpers.js';
import { workgym } from './run-cli.js';

// A real noisy expert run: the counter test env's server as a child process, the expert's `jump`
// strategy with a third of its calls replaced by candidate actions, two episodes per task so that
// tasks have successes and failures to pair. The CLI's data commands then read it.

let dir: string;
let run: string;
let records: EpisodeRecord[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-noise-'));
  run = join(dir, 'run');
  await rollout({
    runtime: new LocalRuntime(),
    agent: new ExpertAgent({ strategy: 'jump', noise: 0.35, seed: 3 }),
    envs: [{ name: 'counter', spec: await counterSpec(), families: ['counter/reach-target'] }],
    out: run,
    tasksPerFamily: 8,
    group: 2,
    split: 'train',
    seed: 0,
    parallel: 2,
    // Noise never ends an episode, so only the step limit turns noise into failures to pair with successes.
    limits: { maxSteps: 3, stepDeadlineMs: 30_000, episodeDeadlineMs: 120_000 },
  });
  await using reader = await openRun(run);
  records = [];
  for await (const record of reader.records()) records.push(record);
  records.sort((a, b) => (a.episodeId! < b.episodeId! ? -1 : 1));
}, 300_000);

const injectedSteps = (r: EpisodeRecord) => r.steps!.filter((s) => s.injected).length;

type Message = { role: string; content: string | null; weight?: number; tool_calls?: { id: string }[] };
const jsonLines = async <T>(path: string) =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as T);

describe('a noisy expert run, through the data commands', () => {
  it('marks injected steps, and data stats counts them', async () => {
    const injected = records.reduce((n, r) => n + injectedSteps(r), 0);
    expect(injected).toBeGreaterThan(0);
    // Some successes recovered from noise: they are the data noise is for.
    expect(records.some((r) => r.success && injectedSteps(r) > 0)).toBe(true);
    const { code, stdout, stderr } = await workgym('data', 'stats', run, '--json');
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ injectedSteps: injected, injectedEpisodes: records.filter((r) => injectedSteps(r) > 0).length });
    const table = await workgym('data', 'stats', run);
    expect(table.stdout).toMatch(new RegExp(`^all\\s.*\\s${injected} \\(\\d+\\)\\s`, 'm'));
  }, 300_000);

  it('openai export: injected turns weigh 0, every expert turn weighs 1 and says why; --no-rationale drops the text', async () => {
    const out = join(dir, 'sft.jsonl');
    const result = await workgym('data', 'export', run, '--format', 'openai', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/steps in \d+ episodes were injected as noise/);
    const rows = await jsonLines<{ messages: Message[] }>(out);
    expect(rows).toHaveLength(records.length);
    rows.forEach((row, i) => {
      const turns = row.messages.filter((m) => m.role === 'assistant');
      expect(turns.map((m) => m.weight)).toEqual(records[i]!.steps!.map((s) => (s.injected ? 0 : 1)));
      for (const [k, turn] of turns.entries()) {
        if (records[i]!.steps![k]!.injected) expect(turn.tool_calls![0]!.id).toMatch(/^noise-/);
        else expect(turn.content).toMatch(/^The counter shows -?\d+/);
      }
    });
    const plain = join(dir, 'plain.jsonl');
    expect((await workgym('data', 'export', run, '--format', 'openai', '--out', plain, '--no-rationale')).code).toBe(0);
    for (const row of await jsonLines<{ messages: Message[] }>(plain)) {
      expect(row.messages.filter((m) => m.role === 'assistant').every((m) => m.content === null)).toBe(true);
    }
  }, 300_000);

  it('preference pairs never choose an injected turn', async () => {
    const out = join(dir, 'dpo.jsonl');
    const result = await workgym('data', 'export', run, '--format', 'openai-dpo', '--out', out);
    expect(result.code, result.stderr).toBe(0);
    const rows = await jsonLines<{ preferred_output: Message[]; non_preferred_output: Message[] }>(out);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.preferred_output[0]!.tool_calls![0]!.id).toMatch(/^expert-/);
    // Noise is what set many a failure apart: there it is the rejected side.
    expect(rows.some((row) => row.non_preferred_output[0]!.tool_calls![0]!.id.startsWith('noise-'))).toBe(true);
  }, 300_000);

  it('data sft masks injected turns (kept as context) and trains every other turn, rationale included', async () => {
    const out = join(dir, 'sft');
    const result = await workgym('data', 'sft', run, '--out', out, '--no-pack');
    expect(result.code, result.stderr).toBe(0);
    const lines = await jsonLines<{ input_ids: number[]; loss_mask: number[]; weights: number[]; examples: string[] }>(join(out, 'sft.jsonl'));
    const successes = records.filter((r) => r.success);
    expect(lines.map((l) => l.examples[0])).toEqual(successes.map((r) => r.episodeId));
    const qwen = loadTokenizer('qwen3');
    lines.forEach((line, i) => {
      // Each trained assistant turn is one run of loss-mask ones (tool responses and prompts between them are 0).
      const runs = line.loss_mask.filter((m, k) => m === 1 && line.loss_mask[k - 1] !== 1).length;
      expect(runs).toBe(successes[i]!.steps!.length - injectedSteps(successes[i]!));
      expect(line.weights.every((w, k) => (line.loss_mask[k] === 1 ? w === 1 : w === 0))).toBe(true);
      expect(qwen.decode(line.input_ids.filter((_, k) => line.loss_mask[k] === 1))).toContain('The counter shows');
    });
    const plain = join(dir, 'sft-plain');
    expect((await workgym('data', 'sft', run, '--out', plain, '--no-pack', '--no-rationale')).code).toBe(0);
    for (const line of await jsonLines<{ input_ids: number[] }>(join(plain, 'sft.jsonl')))
      expect(qwen.decode(line.input_ids)).not.toContain('The counter shows');
  }, 300_000);

  it('data show prints sizes in bytes, times in whole milliseconds, the injected steps and the strategy', async () => {
    const noisy = records.find((r) => injectedSteps(r) > 0)!;
    const { code, stdout, stderr } = await workgym('data', 'show', run, noisy.episodeId!);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^── step \d+ ─ agent \d+ ms, env \d+ ms, reward \d+.*, injected as noise$/m);
    expect(stdout).toMatch(/^── step \d+ ─ agent \d+ ms, env \d+ ms, reward \d+.*, strategy jump$/m);
    expect(stdout).toMatch(/^\[observation, \d+ bytes raw; 3 candidate actions\]$/m);
    expect(stdout).not.toMatch(/object Object|\d\.\d+ ms/);
  }, 300_000);
});
