import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EpisodeSpec, Environment, Observation, RewardMode, Session, TaskFamily } from '@workgym/protocol';
import { CounterEnv } from '@workgym/protocol/testing';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { createRun, openRun } from '@workgym/trajectories';
import { describe, expect, it } from 'vitest';
import { ExpertAgent, rollout, type Agent } from '../src/index.js';
import { rescoreRun } from '../src/rescore/index.js';
import { limits } from './helpers.js';

/**
 * The counter env with a verifier that can be changed: `lenient` also accepts a counter one
 * above the target (the overshoot near-miss), and reports another verifier version; `generous`
 * counts it as reached without calling it a success (shaped reward 0.9, success 0); `noisy`
 * shows a different counter text each time it is opened (a non-deterministic env).
 */
class VersionedCounterEnv implements Environment {
  readonly name = 'counter';
  readonly version = '1.0.0';
  readonly capabilities = ['expert', 'candidates'];
  private readonly inner = new CounterEnv();
  private static opened = 0;

  constructor(private readonly verifier: Verifier = {}) {}

  families(): TaskFamily[] {
    return this.inner.families().map((f) => ({ ...f, verifierVersion: this.verifier.lenient ? 'lenient-verifier' : 'strict-verifier' }));
  }

  tools() {
    return this.inner.tools();
  }

  async reset(spec: EpisodeSpec): Promise<Session> {
    const session = await this.inner.reset(spec);
    const { lenient, generous, noisy } = this.verifier;
    const mark = noisy ? ` (opened ${++VersionedCounterEnv.opened})` : '';
    const shown = (o: Observation): Observation => ({ ...o, text: `${o.text}${mark}` });
    return {
      instruction: session.instruction,
      tools: session.tools,
      get observation() {
        return shown(session.observation);
      },
      step: async (call, s) => {
        const outcome = await session.step(call, s);
        return { ...outcome, observation: shown(outcome.observation) };
      },
      verify: async (s) => {
        const verdict = await session.verify(s);
        // The detail names where the counter ended: "counter ended at X, target Y".
        const [, ended, target] = /ended at (-?\d+), target (-?\d+)/.exec(verdict.detail ?? '')!.map(Number);
        const submitted = verdict.components?.submitted === 1;
        if (!(lenient || generous) || !submitted || ended !== target! + 1) return verdict;
        const judged = { detail: `${verdict.detail} (judged leniently)`, changes: [{ key: 'counter', before: '0', after: String(ended) }] };
        return { ...verdict, ...judged, reward: 1, success: Boolean(lenient), components: { ...verdict.components, reached: 1 } };
      },
      expert: (s, strategy) => session.expert!(s, strategy),
      close: () => session.close(),
      [Symbol.asyncDispose]: () => session.close(),
    };
  }

  async close(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {}
}

interface Verifier {
  lenient?: boolean;
  generous?: boolean;
  noisy?: boolean;
}

const envs = new Map([['counter', inProcessSpec('counter')]]);

/** A run of 4 counter tasks: the expert solves seeds 0 and 1, the overshoot near-miss plays seeds 2 and 3. */
async function recordedRun(reward?: RewardMode): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'workgym-rescore-')), 'run');
  const expert = new ExpertAgent({ strategy: 'jump' });
  const overshoot = new ExpertAgent({ strategy: 'overshoot' });
  const agent: Agent = {
    info: expert.info,
    act: (context, signal) => (context.task.seed! < 2 ? expert : overshoot).act(context, signal),
  };
  await rollout({
    runtime: new InProcessRuntime({ counter: () => new VersionedCounterEnv() }),
    agent,
    envs: [{ name: 'counter', spec: inProcessSpec('counter'), families: ['counter/reach-target'] }],
    out: dir,
    tasksPerFamily: 4,
    group: 1,
    split: 'train',
    seed: 0,
    parallel: 2,
    limits: limits(),
    reward,
  });
  return dir;
}

const rescore = (from: string, out: string, verifier: Verifier) =>
  rescoreRun({ from, out, runtime: new InProcessRuntime({ counter: () => new VersionedCounterEnv(verifier) }), envs, parallel: 2, limits: limits() });

describe('rescoreRun', () => {
  it('replays a run with an unchanged verifier: no verdict changes, nothing diverges, a new run with the same verdicts', async () => {
    const from = await recordedRun();
    const out = `${from}.rescore-1`;
    const report = await rescore(from, out, {});
    expect(report).toMatchObject({ episodes: 4, changed: 0, diverged: 0, failed: 0 });
    await using run = await openRun(out);
    expect(run.size).toBe(4);
    expect(run.manifest.spec).toMatchObject({ rescoredFrom: { runId: 'run' } });
    expect(run.summaries().map((s) => s.verifierVersion)).toEqual(Array(4).fill('strict-verifier'));
    // A second rescore into the same folder is refused before it replays anything.
    await expect(rescore(from, out, {})).rejects.toThrow(`${out} already holds a run; pick another --out`);
  });

  it('reports the verdicts a changed verifier changes, per family, and writes them with its version as a new run', async () => {
    const from = await recordedRun();
    const out = `${from}.rescore-1`;
    const report = await rescore(from, out, { lenient: true });
    expect(report).toMatchObject({ episodes: 4, changed: 2, diverged: 0 });
    expect(report.families).toEqual([
      expect.objectContaining({
        family: 'counter/reach-target',
        episodes: 4,
        changed: 2,
        successBefore: 2,
        successAfter: 4,
        versionsBefore: ['strict-verifier'],
        versionAfter: 'lenient-verifier',
      }),
    ]);
    expect(report.changes.map((c) => c.episodeId).sort()).toEqual(['counter/reach-target:train:2:0', 'counter/reach-target:train:3:0']);
    expect(report.changes[0]).toMatchObject({ before: { success: false, reward: 0 }, after: { success: true, reward: 1 } });

    await using rescored = await openRun(out);
    await using original = await openRun(from);
    expect(rescored.summaries().every((s) => s.verifierVersion === 'lenient-verifier' && s.success)).toBe(true);
    // Nothing is overwritten: the replayed run keeps its verdicts and version.
    expect(original.summaries().filter((s) => s.success)).toHaveLength(2);
    expect(original.summaries().every((s) => s.verifierVersion === 'strict-verifier')).toBe(true);
    // The new run keeps the recorded trajectory and agent, not the replay's.
    const before = (await original.get('counter/reach-target:train:2:0'))!;
    const after = (await rescored.get('counter/reach-target:train:2:0'))!;
    expect(after.agent).toEqual(before.agent);
    // The verdict's detail and state changes are the replay's.
    expect(before.verdictDetail).not.toMatch(/leniently/);
    expect(after).toMatchObject({ verdictDetail: expect.stringMatching(/ \(judged leniently\)$/) as unknown, stateChangesTruncated: false });
    expect(after.stateChanges!.map((c) => [c.key, c.before, c.after])).toEqual([['counter', '0', expect.stringMatching(/^\d+$/)]]);
    expect(after.steps!.map((s) => [s.text, s.toolCalls])).toEqual(before.steps!.map((s) => [s.text, s.toolCalls]));
  });

  it("keeps the verdict of an episode the agent failed, with today's version, without replaying it", async () => {
    const from = join(await mkdtemp(join(tmpdir(), 'workgym-rescore-')), 'failing');
    const expert = new ExpertAgent({ strategy: 'overshoot' });
    const agent: Agent = {
      info: expert.info,
      act: (context, signal) =>
        context.task.seed === 0 && context.stepIndex === 1 ? Promise.reject(new Error('the model failed')) : expert.act(context, signal),
    };
    await rollout({
      runtime: new InProcessRuntime({ counter: () => new VersionedCounterEnv() }),
      agent,
      envs: [{ name: 'counter', spec: inProcessSpec('counter'), families: ['counter/reach-target'] }],
      out: from,
      tasksPerFamily: 2,
      group: 1,
      split: 'train',
      seed: 0,
      parallel: 2,
      limits: limits(),
    });
    const report = await rescore(from, `${from}.rescore-1`, { lenient: true });
    // Seed 1's overshoot now passes; seed 0's agent error stays one, whatever the verifier says.
    expect(report).toMatchObject({ episodes: 2, changed: 1, diverged: 0, failed: 0 });
    await using rescored = await openRun(`${from}.rescore-1`);
    await using original = await openRun(from);
    const failed = (await rescored.get('counter/reach-target:train:0:0'))!;
    expect(failed).toMatchObject({ status: 'agent_error', success: false, finalReward: 0, verifierVersion: 'lenient-verifier' });
    expect(failed.steps).toEqual((await original.get('counter/reach-target:train:0:0'))!.steps);
  });

  it("pays each rescored episode under its record's reward mode, today's shaped reward kept beside it", async () => {
    const from = await recordedRun();
    const report = await rescore(from, `${from}.rescore-1`, { generous: true });
    expect(report).toMatchObject({ episodes: 4, changed: 0 });
    await using rescored = await openRun(`${from}.rescore-1`);
    const byShaped = rescored.summaries().map((s) => [s.rewardMode, s.finalReward, s.shapedReward]);
    expect(byShaped).toEqual([...Array(2).fill(['success', 1, 1]), ...Array(2).fill(['success', 0, 0.9])]);
  });

  it('pays an episode recorded before reward modes the shaped reward, as it was paid then', async () => {
    const recorded = await recordedRun('shaped');
    const from = `${recorded}-old`;
    {
      await using source = await openRun(recorded);
      const writer = await createRun(from);
      for await (const { rewardMode: _mode, shapedReward: _shaped, ...old } of source.records()) await writer.append(old);
      await writer.finalize();
    }
    const report = await rescore(from, `${from}.rescore-1`, { generous: true });
    expect(report).toMatchObject({ episodes: 4, changed: 2 });
    expect(report.changes[0]).toMatchObject({ before: { success: false, reward: 0 }, after: { success: false, reward: 0.9 } });
    await using rescored = await openRun(`${from}.rescore-1`);
    expect(rescored.summaries().map((s) => [s.rewardMode, s.finalReward])).toEqual([...Array(2).fill(['shaped', 1]), ...Array(2).fill(['shaped', 0.9])]);
  });

  it('reports a replay whose observations differ from the recorded ones as diverged', async () => {
    const from = await recordedRun();
    const report = await rescore(from, `${from}.rescore-1`, { noisy: true });
    expect(report).toMatchObject({ episodes: 4, diverged: 4, changed: 0 });
    expect(report.divergences[0]).toMatchObject({ step: 0, what: 'the observation text differs' });
  });
});
