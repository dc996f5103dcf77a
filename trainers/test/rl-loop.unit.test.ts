import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CounterEnv } from '@workgym/protocol/testing';
import { EmbeddedUpdater, ExternalUpdater, LinearPolicy, parseEndpoint, PolicyServer, rlLoop, type BatchLine, type EvalEnv } from '../src/index.js';
import { InProcessRuntime, spec, tempDir } from './helpers.js';

const runtime = new InProcessRuntime({ counter: () => new CounterEnv(8) });
const counter: EvalEnv = { name: 'counter', spec: spec('counter'), families: ['counter/reach-target'] };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('the online RL loop', () => {
  it('samples tasks, rolls out G per task, computes advantages, updates, and writes curves (CSV and PNG)', async () => {
    const out = await tempDir();
    await using updater = new EmbeddedUpdater({ method: 'rloo' });
    const before = Float32Array.from(updater.policy.weights);
    const seen: number[] = [];
    const result = await rlLoop({
      runtime,
      envs: [counter],
      updater,
      out,
      iterations: 2,
      tasksPerIteration: 3,
      group: 4,
      estimator: 'rloo',
      maxSteps: 6,
      onIteration: (s) => seen.push(s.iteration),
    });
    expect(seen).toEqual([0, 1]);
    expect(result.points.map((p) => [p.iteration, p.env, p.episodes, p.groups])).toEqual([
      [0, 'counter', 12, 3],
      [1, 'counter', 12, 3],
    ]);
    const csv = (await readFile(result.csv, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('iteration,env,episodes,mean_reward,success_rate,zero_variance_groups,groups');
    expect(csv).toHaveLength(3);
    expect((await readFile(result.png)).subarray(0, 4)).toEqual(PNG);
    const lines = (await readFile(join(out, 'iterations', '000', 'batch.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as BatchLine);
    expect(lines).toHaveLength(12);
    expect(lines[0]!.messages.slice(0, 2)).toMatchObject([{ role: 'system' }, { role: 'user' }]);
    expect(lines[0]!.decisions[0]!.candidates.map((c) => c.name)).toEqual(['add', 'add', 'submit']);
    // Fresh train seeds each iteration: 0-2, then 3-5.
    expect(new Set(lines.map((l) => l.seed))).toEqual(new Set([0, 1, 2]));
    // Every group's advantages sum to zero (RLOO), and the policy was snapshotted per iteration.
    const sums = new Map<string, number>();
    for (const l of lines) sums.set(l.group_id, (sums.get(l.group_id) ?? 0) + l.advantage);
    expect(sums.size).toBe(3);
    for (const sum of sums.values()) expect(Math.abs(sum)).toBeLessThan(1e-9);
    await expect(stat(join(out, 'iterations', '001', 'policy', 'policy.json'))).resolves.toBeTruthy();
    // Counter rewards vary within some groups (a lucky submit), so the update changed the weights unless every group was flat.
    const flat = result.points.every((p) => p.zeroVarianceGroups === p.groups);
    expect(updater.policy.weights.some((w, i) => w !== before[i])).toBe(!flat);
  });

  it('hands each batch to an external trainer command and uses the endpoint it prints', async () => {
    const out = await tempDir();
    await using server = await PolicyServer.start({ policy: new LinearPolicy(1 << 10), model: 'ext' });
    const log = join(out, 'calls.log');
    // The "trainer" records what it got and answers with the same server's endpoint as JSON.
    const command = `echo {iteration} $(wc -l < {batch}) "$WORKGYM_ENDPOINT" >> ${log}; echo '{"baseURL": "${server.baseURL}", "model": "ext-v{iteration}"}'`;
    await using updater = new ExternalUpdater({ command, initial: { baseURL: server.baseURL, model: 'ext' } });
    const result = await rlLoop({ runtime, envs: [counter], updater, out, iterations: 2, tasksPerIteration: 1, group: 2, estimator: 'grpo', maxSteps: 4 });
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual([`0 2 ${server.baseURL}`, `1 2 ${server.baseURL}`]);
    expect(result.endpoint).toEqual({ baseURL: server.baseURL, model: 'ext-v1' });
  });

  it('says what is wrong when the trainer fails or prints no endpoint', async () => {
    expect(() => parseEndpoint('training...\nall done\n', 'm')).toThrow(/last stdout line must be a base URL/);
    expect(parseEndpoint('log\nhttp://h:1/v1\n', 'm')).toEqual({ baseURL: 'http://h:1/v1', model: 'm' });
    const updater = new ExternalUpdater({ command: 'echo broken >&2; exit 3', initial: { baseURL: 'http://x/v1', model: 'm' } });
    await expect(updater.update({ iteration: 0, file: '/dev/null', records: [], advantages: new Map(), dir: '/tmp' })).rejects.toMatchObject({
      code: 'WORKGYM_EXTERNAL_TRAINER',
      message: expect.stringMatching(/exited with 3[\s\S]*broken/),
    });
    await expect(
      rlLoop({ runtime, envs: [counter], updater, out: await tempDir(), iterations: 1, tasksPerIteration: 1, group: 1, estimator: 'grpo' }),
    ).rejects.toThrow(/--group must be at least 2/);
  });
});
