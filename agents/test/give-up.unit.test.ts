import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infeasibleSeed } from '@workgym/protocol/kit';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { createRun, openRun, type EpisodeRecord } from '@workgym/trajectories';
import { describe, expect, it } from 'vitest';
import { findCode, findCodeOrReport, NotesEnv } from '../../envs/protocol/test/notes-env.js';
import { GiveUpAgent, rollout, runEpisode } from '../src/index.js';
import { rescoreRun } from '../src/rescore/index.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

// The notes env in process: find-code-or-report lists the kit's `infeasible` feature, find-code
// does not; both are kit families, so both offer report_infeasible.
const REPORT = 'notes/find-code-or-report';
const runtime = () => new InProcessRuntime({ notes: () => new NotesEnv([findCode, findCodeOrReport]) });
const envs = [{ name: 'notes', spec: inProcessSpec('notes'), families: [findCode, findCodeOrReport].map((f) => `notes/${f.name}`) }];
const SEEDS = 4;

async function records(dir: string): Promise<EpisodeRecord[]> {
  await using run = await openRun(dir);
  const all: EpisodeRecord[] = [];
  for await (const record of run.records()) all.push(record);
  return all.sort((a, b) => (a.episodeId! < b.episodeId! ? -1 : 1));
}

async function giveUpRun(): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'workgym-give-up-')), 'run');
  await rollout({
    runtime: runtime(),
    agent: new GiveUpAgent(),
    envs,
    out,
    tasksPerFamily: SEEDS,
    group: 1,
    split: 'test',
    seed: 0,
    parallel: 2,
    limits: limits(),
  });
  return out;
}

describe('the give-up agent', () => {
  it('reports infeasible at the first step: success exactly on the infeasible seeds, which the record keeps', { timeout: 60_000 }, async () => {
    const played = await records(await giveUpRun());
    expect(played).toHaveLength(2 * SEEDS);
    for (const record of played) {
      const infeasible = record.family === REPORT && infeasibleSeed(REPORT, 'test', record.seed!);
      expect(record.steps!.map((s) => s.toolCalls!.map((c) => c.name))).toEqual([['report_infeasible']]);
      expect(record).toMatchObject({ infeasible, success: infeasible, finalReward: infeasible ? 1 : 0, agent: { kind: 'give-up' } });
    }
    expect(played.filter((r) => r.infeasible)).toHaveLength(1);
  });

  it('fails with one line on an env that offers no report_infeasible', async () => {
    const client = counterClient();
    try {
      const record = await runEpisode({
        client,
        agent: new GiveUpAgent(),
        task: counterTask(2),
        ids: ids(),
        limits: limits(),
        env: { version: '1', imageId: '' },
      });
      expect(record).toMatchObject({ status: 'agent_error', success: false, infeasible: false });
      expect(record.errorMessage).toBe('agent failed at step 0: counter/reach-target offers no report_infeasible tool to call');
    } finally {
      await client.close();
    }
  });

  it("keeps infeasible through a rescore, and gives a record written before it today's", { timeout: 60_000 }, async () => {
    const from = await giveUpRun();
    const old = `${from}-old`;
    {
      await using source = await openRun(from);
      const writer = await createRun(old);
      for await (const { infeasible: _infeasible, ...record } of source.records()) await writer.append(record);
      await writer.finalize();
    }
    const rescore = (run: string) =>
      rescoreRun({ from: run, out: `${run}.rescore`, runtime: runtime(), envs: new Map([['notes', inProcessSpec('notes')]]), parallel: 2, limits: limits() });
    const expected = (await records(from)).map((r) => [r.episodeId, r.infeasible]);
    expect((await records(old)).every((r) => r.infeasible === false)).toBe(true);
    for (const run of [from, old]) {
      expect(await rescore(run)).toMatchObject({ episodes: 2 * SEEDS, changed: 0, failed: 0 });
      expect((await records(`${run}.rescore`)).map((r) => [r.episodeId, r.infeasible])).toEqual(expected);
      await using rescored = await openRun(`${run}.rescore`);
      expect(
        rescored
          .summaries()
          .filter((s) => s.infeasible)
          .map((s) => s.episodeId),
      ).toEqual(expected.filter(([, i]) => i).map(([id]) => id));
    }
  });
});
