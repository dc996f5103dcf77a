import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { toolCall } from '@workgym/protocol';
import { connectDocker, DockerRuntime, LABEL_RUN, LocalRuntime } from '@workgym/runtime';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { counterSpec, killingStarts } from '../../envs/runtime/test/helpers.js';
import { ExpertAgent, rollout, type Agent, type AgentContext, type RolloutConfig } from '../src/index.js';

const run = promisify(execFile);
const stalledScript = fileURLToPath(new URL('./fixtures/stalled-rollout.ts', import.meta.url));
const expert = new ExpertAgent();

async function config(overrides: Partial<RolloutConfig>): Promise<RolloutConfig> {
  return {
    runtime: new LocalRuntime(),
    agent: expert,
    envs: [{ name: 'counter', spec: await counterSpec(), families: ['counter/reach-target'] }],
    out: join(await mkdtemp(join(tmpdir(), 'workgym-faults-')), 'run'),
    tasksPerFamily: 3,
    group: 1,
    split: 'train',
    seed: 10,
    parallel: 1,
    // The expert's `walk` strategy (odd seeds) takes up to ~110 steps.
    limits: { maxSteps: 120, stepDeadlineMs: 10_000, episodeDeadlineMs: 120_000, envDeadlineMs: 10_000 },
    ...overrides,
  };
}

async function bySeed(dir: string): Promise<Record<number, EpisodeRecord>> {
  await using reader = await openRun(dir);
  const all: Record<number, EpisodeRecord> = {};
  for await (const record of reader.records()) all[Number(record.seed)] = record;
  return all;
}

/** The expert, except that at `step` of seed 11 it first does `before`, or acts as `instead` says. */
function expertExcept(step: number, options: { before?: () => Promise<void>; instead?: (context: AgentContext) => ReturnType<Agent['act']> }): Agent {
  let done = false;
  return {
    info: expert.info,
    act: async (context, signal) => {
      if (!done && context.task.seed === 11 && context.stepIndex === step) {
        done = true;
        await options.before?.();
        if (options.instead) return options.instead(context);
      }
      return expert.act(context, signal);
    },
  };
}

const containersOf = async (runtime: DockerRuntime) =>
  (await connectDocker().listContainers({ all: true, filters: { label: [`${LABEL_RUN}=${runtime.runId}`] } })).map((c) => c.Id);
const pauseAll = async (runtime: DockerRuntime) => {
  await run('docker', ['pause', ...(await containersOf(runtime))]);
};

describe('rollout under env faults', () => {
  it('runs the whole rollout when a container dies while the pool warms up', async () => {
    const runtime = killingStarts(new DockerRuntime({ runId: `test-faults-warmup-${process.pid}` }), (start) => start === 1);
    const outcome = await rollout(await config({ runtime, parallel: 2 }));
    expect(outcome).toMatchObject({ episodes: 3, stopped: false });
    expect(Object.values(await bySeed(outcome.runDir)).map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(runtime.starts).toBe(3);
  });

  it('retries, on a fresh instance, an episode whose env hangs while the expert is asked (a paused container), not blaming the agent', async () => {
    const runtime = new DockerRuntime({ runId: `test-faults-pause-expert-${process.pid}` });
    const agent = expertExcept(1, { before: () => pauseAll(runtime) });
    const outcome = await rollout(
      await config({ runtime, agent, limits: { maxSteps: 120, stepDeadlineMs: 3_000, episodeDeadlineMs: 120_000, envDeadlineMs: 3_000 } }),
    );
    const records = await bySeed(outcome.runDir);
    expect(Object.values(records).map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(records[11]!.attempts).toBe(2);
    expect(records[11]!.errorMessage).toMatch(/^expert: .* did not answer within 3000 ms/);
    expect(records[11]!.errorMessage).toMatch(/a fresh instance got through the expert call at step 1 when it was replayed: the env was at fault/);
    expect(records[11]!.errorMessage).not.toMatch(/did not act/);
    expect(await containersOf(runtime)).toEqual([]);
  });

  it('retries an episode whose container is paused mid-step once a fresh instance gets through that step', async () => {
    const runtime = new DockerRuntime({ runId: `test-faults-pause-step-${process.pid}` });
    const agent = expertExcept(1, {
      instead: async (context) => {
        const action = await expert.act(context, new AbortController().signal);
        await pauseAll(runtime);
        return action;
      },
    });
    const outcome = await rollout(
      await config({ runtime, agent, limits: { maxSteps: 120, stepDeadlineMs: 10_000, episodeDeadlineMs: 120_000, envDeadlineMs: 3_000 } }),
    );
    const records = await bySeed(outcome.runDir);
    expect(Object.values(records).map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(records[11]!.attempts).toBe(2);
    expect(records[11]!.errorMessage).toMatch(/step 1 of counter\/reach-target: .*did not answer within 3000 ms/);
    expect(records[11]!.errorMessage).toMatch(/a fresh instance got through step 1 when it was replayed: the env was at fault/);
    expect(await containersOf(runtime)).toEqual([]);
  });

  it('records an episode whose container is killed under it at every attempt as infra_error, with every fault', async () => {
    const runtime = new DockerRuntime({ runId: `test-faults-infra-${process.pid}` });
    const agent: Agent = {
      info: expert.info,
      act: async (context, signal) => {
        const action = await expert.act(context, signal);
        if (context.task.seed === 11 && context.stepIndex === 1) await run('docker', ['kill', ...(await containersOf(runtime))]);
        return action;
      },
    };
    const outcome = await rollout(await config({ runtime, agent }));
    const records = await bySeed(outcome.runDir);
    expect(records[11]).toMatchObject({ status: 'infra_error', success: false, finalReward: 0, attempts: 3, steps: [] });
    expect(records[11]!.errorMessage!.match(/step 1 of counter\/reach-target: .*closed its output/g)).toHaveLength(3);
    expect(records[11]!.errorMessage!.match(/a fresh instance got through step 1 when it was replayed/g)).toHaveLength(3);
    expect(records[12]!.status).toBe('success');
    expect(outcome.stats.envs[0]!.retries).toBe(2);
  });

  it('records an agent whose action kills the env server as env_broken, keeping its steps, never retrying it away', async () => {
    const agent = expertExcept(1, { instead: async () => ({ calls: [toolCall('crash')] }) });
    const outcome = await rollout(await config({ agent }));
    const records = await bySeed(outcome.runDir);
    expect(records[10]!.status).toBe('success');
    expect(records[12]!.status).toBe('success');
    expect(records[11]).toMatchObject({ status: 'env_broken', success: false, finalReward: 0, attempts: 1 });
    expect(records[11]!.errorMessage).toMatch(/step 1 failed again when replayed on a fresh instance, so the agent's actions broke the env/);
    expect(records[11]!.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['add', 'crash']);
    expect(records[11]!.steps![1]).toMatchObject({ errorKind: 'env_broken', terminated: true, results: [] });
    expect(outcome.stats.envs[0]!.statuses).toMatchObject({ success: 2, env_broken: 1, infra_error: 0 });
  });

  it('records an agent whose action hangs the env server as env_broken', async () => {
    const agent = expertExcept(1, { instead: async () => ({ calls: [toolCall('hang')] }) });
    const outcome = await rollout(await config({ agent, limits: { maxSteps: 120, stepDeadlineMs: 10_000, episodeDeadlineMs: 120_000, envDeadlineMs: 3_000 } }));
    const records = await bySeed(outcome.runDir);
    expect(records[11]).toMatchObject({ status: 'env_broken', finalReward: 0, attempts: 1 });
    expect(records[11]!.errorMessage).toMatch(/did not answer within 3000 ms/);
    expect(records[12]!.status).toBe('success');
  });

  it('charges an agent whose action kills the server right after it answers with the failure of its next step', async () => {
    // Step 0 adds, step 1 crashes the server once answered, step 2 adds (no expert call in between).
    const script = [toolCall('add', { amount: 1 }), toolCall('crash', { afterReply: true }), toolCall('add', { amount: 1 })];
    const agent: Agent = {
      info: expert.info,
      act: async (context, signal) => (context.task.seed === 11 ? { calls: [script[context.stepIndex]!] } : expert.act(context, signal)),
    };
    const outcome = await rollout(await config({ agent }));
    const records = await bySeed(outcome.runDir);
    expect(records[11]).toMatchObject({ status: 'env_broken', finalReward: 0, attempts: 1 });
    expect(records[11]!.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['add', 'crash', 'add']);
    expect(records[11]!.errorMessage).toMatch(/step 2 failed again when replayed on a fresh instance/);
  });

  it('charges an agent whose action breaks the env with the failure of the expert call made for it next (DAgger labels)', async () => {
    const agent = expertExcept(1, { instead: async () => ({ calls: [toolCall('crash', { afterReply: true })] }) });
    const outcome = await rollout(await config({ agent }));
    const records = await bySeed(outcome.runDir);
    expect(records[11]).toMatchObject({ status: 'env_broken', finalReward: 0, attempts: 1 });
    expect(records[11]!.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['add', 'crash']);
    expect(records[11]!.errorMessage).toMatch(/^expert: /);
    expect(records[11]!.errorMessage).toMatch(/the expert call at step 2 failed again when replayed on a fresh instance/);
  });

  it('fails a rollout left waiting on nothing with a message, the run resumable and its lock released (never a silent exit)', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'workgym-stalled-')), 'run');
    const result = await run(process.execPath, ['--conditions=source', '--import', 'tsx', stalledScript, out]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the rollout stalled: it was waiting on nothing that could finish/);
    expect(result.stderr).toMatch(/can be resumed \(--resume\)/);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toMatchObject({ status: 'open' });
    expect(existsSync(join(out, 'writer.lock'))).toBe(false);
  });
});
