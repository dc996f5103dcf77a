import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EmbeddedUpdater,
  LinearPolicy,
  readRecords,
  rlLoop,
  type BatchLine,
  type EvalEnv,
  type IterationSummary,
  type LearningComparison,
  type TestEvaluation,
} from '../src/index.js';
import { InProcessRuntime, spec, tempDir } from './helpers.js';
import { RECALL_FAMILY, RecallEnv } from './recall-env.js';

const recall: EvalEnv = { name: 'recall', spec: spec('recall'), families: [RECALL_FAMILY] };
const seedOf = (groupId: string) => Number(groupId.split(':').at(-1));

async function batchLines(out: string, iteration: number): Promise<BatchLine[]> {
  const text = await readFile(join(out, 'iterations', String(iteration).padStart(3, '0'), 'batch.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BatchLine);
}

describe('dynamic sampling in the RL loop', () => {
  // Seeds ≡ 0 (mod 3) accept any answer, ≡ 1 none: only seeds ≡ 2 can give a group whose rewards vary.
  const runtime = new InProcessRuntime({ recall: () => new RecallEnv({ kinds: true }) });

  it('skips groups whose rewards do not vary and rolls out fresh tasks until the batch has enough informative groups', async () => {
    const out = await tempDir();
    await using updater = new EmbeddedUpdater({ method: 'grpo', snapshots: false });
    const summaries: IterationSummary[] = [];
    await rlLoop({
      runtime,
      envs: [recall],
      updater,
      out,
      iterations: 2,
      tasksPerIteration: 3,
      group: 4,
      estimator: 'grpo',
      maxSteps: 4,
      maxSampleRounds: 20,
      onIteration: (s) => summaries.push(s),
    });
    const seen = new Set<number>();
    for (const s of summaries) {
      // A round of 3 tasks holds at most one that can vary, so 3 informative groups take 3 rounds or more.
      expect(s.rounds).toBeGreaterThanOrEqual(3);
      expect(s.informativeGroups).toBeGreaterThanOrEqual(3);
      const sampled = await Promise.all(
        Array.from({ length: s.rounds }, (_, r) => readRecords(join(out, 'iterations', String(s.iteration).padStart(3, '0'), r === 0 ? 'run' : `run-${r}`))),
      );
      const groups = new Map<string, number[]>();
      for (const record of sampled.flat()) groups.set(record.groupId!, [...(groups.get(record.groupId!) ?? []), record.finalReward ?? 0]);
      expect(groups.size).toBe(3 * s.rounds);
      expect(s.skippedGroups + s.informativeGroups).toBe(groups.size);
      // Every round took fresh seeds, never seen in this or an earlier iteration.
      for (const id of groups.keys()) {
        expect(seen.has(seedOf(id))).toBe(false);
        seen.add(seedOf(id));
      }
      const lines = await batchLines(out, s.iteration);
      const kept = new Set(lines.map((l) => l.group_id));
      expect(kept.size).toBe(s.informativeGroups);
      for (const [id, rewards] of groups) {
        const varies = rewards.some((r) => r !== rewards[0]);
        expect(kept.has(id)).toBe(varies);
        if (varies) expect(seedOf(id) % 3).toBe(2);
      }
      // The train curve counts everything sampled, skipped groups included.
      expect(s.points[0]!.groups).toBe(groups.size);
      expect(s.points[0]!.zeroVarianceGroups).toBe(s.skippedGroups);
    }
  });

  it('stops at the cap of sampling rounds and updates on the informative groups it found', async () => {
    const out = await tempDir();
    await using updater = new EmbeddedUpdater({ method: 'grpo', snapshots: false });
    const summaries: IterationSummary[] = [];
    const log: string[] = [];
    await rlLoop({
      runtime,
      envs: [recall],
      updater,
      out,
      iterations: 1,
      tasksPerIteration: 3,
      group: 4,
      estimator: 'grpo',
      maxSteps: 4,
      maxSampleRounds: 2,
      onIteration: (s) => summaries.push(s),
      log: (l) => log.push(l),
    });
    expect(summaries[0]!.rounds).toBe(2);
    expect(summaries[0]!.informativeGroups).toBeLessThanOrEqual(2);
    expect((await batchLines(out, 0)).length).toBe(4 * summaries[0]!.informativeGroups);
    expect(log.join('\n')).toMatch(/of 3 informative groups after 2 sampling rounds/);
  });

  it('keeps every group, zero-variance ones too, when dynamic sampling is off', async () => {
    const out = await tempDir();
    await using updater = new EmbeddedUpdater({ method: 'grpo', snapshots: false });
    const summaries: IterationSummary[] = [];
    await rlLoop({
      runtime,
      envs: [recall],
      updater,
      out,
      iterations: 1,
      tasksPerIteration: 3,
      group: 4,
      estimator: 'grpo',
      maxSteps: 4,
      onIteration: (s) => summaries.push(s),
    });
    expect(summaries[0]!.rounds).toBe(1);
    expect(new Set((await batchLines(out, 0)).map((l) => l.group_id))).toEqual(new Set(['0', '1', '2'].map((s) => `${RECALL_FAMILY}:train:${s}`)));
  });
});

describe('held-out evaluation in the RL loop', () => {
  const runtime = new InProcessRuntime({ recall: () => new RecallEnv() });

  it('evaluates before the first update, every N iterations and after the last, on the same test seeds, and compares last with first', async () => {
    const out = await tempDir();
    await using updater = new EmbeddedUpdater({ method: 'grpo', snapshots: false });
    const evaluations: TestEvaluation[] = [];
    const result = await rlLoop({
      runtime,
      envs: [recall],
      updater,
      out,
      iterations: 5,
      tasksPerIteration: 2,
      group: 2,
      estimator: 'grpo',
      maxSteps: 4,
      evaluation: { every: 2, tasksPerFamily: 6, seed: 100, temperature: 1 },
      onEvaluation: (e) => evaluations.push(e),
    });
    expect(evaluations.map((e) => e.iteration)).toEqual([0, 2, 4, 5]);
    const tasks = (e: TestEvaluation) => e.records.map((r) => `${r.split}:${r.seed}`).sort();
    for (const e of evaluations) expect(tasks(e)).toEqual([100, 101, 102, 103, 104, 105].map((s) => `test:${s}`).sort());
    expect(result.tests.map((t) => [t.iteration, t.success.n])).toEqual([
      [0, 6],
      [2, 6],
      [4, 6],
      [5, 6],
    ]);
    const csv = (await readFile(result.testCsv!, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('iteration,env,episodes,successes,success_rate,low,high,mean_reward');
    expect(csv).toHaveLength(5);
    const comparison = JSON.parse(await readFile(join(out, 'comparison.json'), 'utf8')) as LearningComparison;
    expect(comparison).toMatchObject({ from: 0, to: 5 });
    const total = comparison.rows.find((r) => r.scope === 'total')!.comparison;
    expect(total.pairs).toBe(6);
    // The comparison pairs the first and the last evaluation's episodes of each task.
    const success = (e: TestEvaluation, seed: number) => e.records.find((r) => r.seed === seed)!.success === true;
    const onlyLast = [100, 101, 102, 103, 104, 105].filter((s) => !success(evaluations[0]!, s) && success(evaluations[3]!, s)).length;
    expect(total.onlyB).toBe(onlyLast);
  });

  it('learns from a random start to read the note and answer with its word: test success from about a quarter to nearly all, McNemar p < 0.01', async () => {
    const out = await tempDir();
    // Untrained: every candidate scores 0, so sampling is uniform over read_note and the four answers.
    await using updater = new EmbeddedUpdater({ method: 'grpo', learningRate: 1, step: 'normalized', snapshots: false });
    const result = await rlLoop({
      runtime,
      envs: [recall],
      updater,
      out,
      iterations: 6,
      tasksPerIteration: 6,
      group: 4,
      estimator: 'grpo',
      maxSteps: 4,
      maxSampleRounds: 3,
      // Sampled, as the policy acts when it learns: greedy, the untrained policy always takes the first candidate.
      evaluation: { every: 6, tasksPerFamily: 40, temperature: 1 },
    });
    const total = result.comparison!.rows.find((r) => r.scope === 'total')!.comparison;
    expect(total.a.rate).toBeLessThan(0.45);
    expect(total.b.rate).toBeGreaterThan(0.85);
    expect(total.mcnemarP).toBeLessThan(0.01);
  });
});

describe('the normalized policy-gradient step', () => {
  // Two candidates of 1,000 features each (as a code candidate's instruction word x argument word ones).
  const wide = (offset: number) => ({ index: Uint32Array.from({ length: 1000 }, (_, i) => offset + i), value: new Float32Array(1000).fill(1) });
  const decision = { features: [wide(0), wide(5000)], chosen: 0, weight: 1.5 };
  const gap = (policy: LinearPolicy) => {
    const [a, b] = policy.scores(decision.features);
    return a! - b!;
  };

  it('moves a score by at most learning rate x 2|advantage| per decision, however many features fire', () => {
    const normalized = new LinearPolicy(1 << 14);
    normalized.update([decision], { learningRate: 0.5, step: 'normalized' });
    // p = 1/2 each: coefficients +0.75 and -0.75 on 1,000 features each, divided by the norm 1,000:
    // each score moves by 0.5 x 0.75, within the bound 0.5 x 2 x 1.5.
    const [a, b] = normalized.scores(decision.features);
    expect(a).toBeCloseTo(0.375, 3);
    expect(b).toBeCloseTo(-0.375, 3);
    // Adagrad moves each of the 2,000 features by about the learning rate: a gap of hundreds of logits.
    const adagrad = new LinearPolicy(1 << 14);
    adagrad.update([decision], { learningRate: 0.5 });
    expect(gap(adagrad)).toBeGreaterThan(500);
  });
});
