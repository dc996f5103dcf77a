import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// `--agent nothing`, `--agent submit` and `--agent give-up` on a real env (the code env's server as a child process).

async function only(run: string): Promise<EpisodeRecord> {
  await using reader = await openRun(run);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  expect(all).toHaveLength(1);
  return all[0]!;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-authors-'));
});

describe('the agents for family authors', () => {
  it('nothing runs into the step limit, submit and give-up end at once, all with reward 0', { timeout: 300_000 }, async () => {
    for (const agent of ['nothing', 'submit', 'give-up']) {
      const run = join(dir, agent);
      const args = ['--env', 'code', '--family', 'code/py-fix-bug', '--runtime', 'local', '--agent', agent, '--episodes', '1', '--max-steps', '3'];
      const result = await workgym('rollout', ...args, '--out', run);
      expect(result.code, result.stderr).toBe(0);
    }
    const [nothing, submit, giveUp] = [await only(join(dir, 'nothing')), await only(join(dir, 'submit')), await only(join(dir, 'give-up'))];
    expect(nothing).toMatchObject({ status: 'truncated', finalReward: 0, agent: { kind: 'nothing' } });
    expect(nothing.steps).toHaveLength(3);
    expect(submit).toMatchObject({ status: 'failure', finalReward: 0, agent: { kind: 'submit' } });
    expect(submit.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['submit']);
    // py-fix-bug has no infeasible seeds: reporting one is a failure there.
    expect(giveUp).toMatchObject({ status: 'failure', finalReward: 0, infeasible: false, agent: { kind: 'give-up' } });
    expect(giveUp.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['report_infeasible']);
  });
});
