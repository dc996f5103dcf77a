import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connectDocker, DockerRuntime, LABEL_RUN, LocalRuntime, reapContainers } from '@workgym/runtime';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { counterSpec } from '../../envs/runtime/test/helpers.js';
import { ExpertAgent, RandomAgent, rollout, type Agent, type RolloutConfig } from '../src/index.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/rollout-script.ts', import.meta.url));

async function config(overrides: Partial<RolloutConfig>): Promise<RolloutConfig> {
  return {
    runtime: new LocalRuntime(),
    agent: new ExpertAgent(),
    envs: [{ name: 'counter', spec: await counterSpec(), families: ['counter/reach-target'] }],
    out: join(await mkdtemp(join(tmpdir(), 'workgym-rollout-')), 'run'),
    tasksPerFamily: 3,
    group: 2,
    split: 'train',
    seed: 10,
    parallel: 2,
    // The expert's `walk` strategy (odd seeds) takes up to ~110 steps.
    limits: { maxSteps: 120, stepDeadlineMs: 10_000, episodeDeadlineMs: 60_000 },
    ...overrides,
  };
}

async function records(dir: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(dir);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  return all;
}

describe('rollout', () => {
  it('runs tasks x group episodes with deterministic ids and writes them to the run', async () => {
    const outcome = await rollout(await config({}));
    expect(outcome).toMatchObject({ planned: 6, skipped: 0, episodes: 6, stopped: false });
    const all = await records(outcome.runDir);
    expect(all.map((r) => r.episodeId).sort()).toEqual([10, 11, 12].flatMap((seed) => [0, 1].map((sample) => `counter/reach-target:train:${seed}:${sample}`)));
    expect(all.every((r) => r.status === 'success' && r.groupId === r.episodeId!.replace(/:\d$/, ''))).toBe(true);
    expect(outcome.stats.envs[0]).toMatchObject({ done: 6, success: 6 });
    expect(all[0]!.steps![0]!.observation!.candidates!.map((c) => c.name)).toEqual(['add', 'add', 'submit']);
  });

  it('runs exactly the missing episodes on resume, and none when the run is complete', async () => {
    const first = await config({ tasksPerFamily: 2 });
    await rollout(first);
    const more = await rollout({ ...first, tasksPerFamily: 3, resume: true });
    expect(more).toMatchObject({ planned: 6, skipped: 4, episodes: 6 });
    const again = await rollout({ ...first, tasksPerFamily: 3, resume: true });
    expect(again).toMatchObject({ skipped: 6, episodes: 6 });
    expect(new Set((await records(first.out)).map((r) => r.episodeId)).size).toBe(6);
  });

  it('describes the whole run in its stats after a resume, not only the new episodes', async () => {
    const first = await config({ tasksPerFamily: 2 });
    await rollout(first);
    const more = await rollout({ ...first, tasksPerFamily: 3, resume: true });
    expect(more.stats.envs[0]).toMatchObject({ total: 6, done: 6, earlier: 4, success: 6, statuses: { success: 6 } });
  });

  it("refuses to resume with another agent, group size or max steps, naming the run's value and the given one", async () => {
    const first = await config({ tasksPerFamily: 1, group: 1 });
    await rollout(first);
    const manifest = () => readFileSync(join(first.out, 'manifest.json'), 'utf8');
    const before = manifest();
    await expect(rollout({ ...first, resume: true, agent: new RandomAgent(1) })).rejects.toThrow(/its agent kind is "expert", not "random"/);
    await expect(rollout({ ...first, resume: true, group: 2 })).rejects.toThrow(/its group is 1, not 2/);
    await expect(rollout({ ...first, resume: true, limits: { ...first.limits, maxSteps: 50 } })).rejects.toThrow(/its max steps is 120, not 50/);
    expect(manifest()).toBe(before);
    expect(existsSync(join(first.out, 'writer.lock'))).toBe(false);
    expect(await rollout({ ...first, resume: true })).toMatchObject({ skipped: 1, episodes: 1 });
  });

  it('refuses to overwrite a run or to resume a missing one, saying what to do', async () => {
    const cfg = await config({ tasksPerFamily: 1, group: 1 });
    await expect(rollout({ ...cfg, resume: true })).rejects.toThrow(/no run to resume/);
    await rollout(cfg);
    await expect(rollout(cfg)).rejects.toThrow(/--resume/);
  });

  it('goes on past agents that throw or return garbage, recording agent_error and error steps', async () => {
    const agent: Agent = {
      info: { kind: 'flaky', model: '', contextPolicy: 'none' },
      act: async (context) => {
        if (context.task.seed === 10) throw new Error('boom');
        if (context.task.seed === 11) return { calls: [{ id: 'x', name: 'teleport', argumentsJson: '{' }] };
        return new ExpertAgent().act(context, new AbortController().signal);
      },
    };
    const outcome = await rollout(await config({ agent, group: 1, limits: { maxSteps: 3, stepDeadlineMs: 5_000, episodeDeadlineMs: 60_000 } }));
    const bySeed: Record<number, EpisodeRecord> = Object.fromEntries((await records(outcome.runDir)).map((r) => [Number(r.seed), r]));
    expect(bySeed[10]).toMatchObject({ status: 'agent_error', errorMessage: expect.stringContaining('boom') });
    expect(bySeed[11]!.status).toBe('truncated');
    expect(bySeed[11]!.steps!.every((s) => s.errorKind === 'unknown_tool')).toBe(true);
    expect(bySeed[12]!.status).toBe('success');
  });

  it('retries an episode whose container is killed mid-episode on a fresh instance', async () => {
    const runtime = new DockerRuntime({ runId: `test-rollout-kill-${process.pid}` });
    const expert = new ExpertAgent();
    let killed = false;
    const agent: Agent = {
      info: expert.info,
      act: async (context, signal) => {
        if (!killed && context.task.seed === 11 && context.stepIndex === 1) {
          killed = true;
          const ids = (await run('docker', ['ps', '-q', '--filter', `label=${LABEL_RUN}=${runtime.runId}`])).stdout.trim().split('\n');
          await run('docker', ['kill', ...ids]);
        }
        return expert.act(context, signal);
      },
    };
    const outcome = await rollout(await config({ runtime, agent, group: 1, parallel: 1 }));
    const all = await records(outcome.runDir);
    expect(all.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    const retried = all.find((r) => r.seed === 11)!;
    expect(retried.attempts).toBe(2);
    expect(retried.errorMessage).toMatch(/env server closed its output|killed/);
    expect(await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } })).toEqual([]);
  });

  it('ends with exactly the requested episodes after the rollout process is SIGKILLed and resumed', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'workgym-killed-')), 'run');
    const label = `test-rollout-sigkill-${process.pid}`;
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script, out, label], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (/done [3-9]/.test(chunk.toString())) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const resumed = await run(process.execPath, ['--conditions=source', '--import', 'tsx', script, out, label, '--resume']);
    expect(resumed.stdout).toMatch(/finished 12/);
    const all = await records(out);
    expect(all).toHaveLength(12);
    expect(new Set(all.map((r) => r.episodeId)).size).toBe(12);
    expect(all.every((r) => r.status === 'success')).toBe(true);
    await reapContainers();
    expect(await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${label}`] } })).toEqual([]);
  });

  it('makes random agents reproducible across reruns of the same plan', async () => {
    const a = await rollout(await config({ agent: new RandomAgent(3) }));
    const b = await rollout(await config({ agent: new RandomAgent(3) }));
    const actions = async (dir: string) =>
      (await records(dir)).sort((x, y) => x.episodeId!.localeCompare(y.episodeId!)).map((r) => r.steps!.map((s) => s.toolCalls![0]?.argumentsJson).join());
    expect(await actions(a.runDir)).toEqual(await actions(b.runDir));
  });
});
