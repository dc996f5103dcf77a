import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CounterEnv } from '@workgym/protocol/testing';
import type { EpisodeRecord } from '@workgym/trajectories';
import { findCode, findEachCode, NotesEnv } from '../../envs/protocol/test/notes-env.js';
import {
  EmbeddedUpdater,
  evaluateRecords,
  formatEvalMarkdown,
  readRecords,
  rlLoop,
  transferCsv,
  transferMatrix,
  wilson,
  type EvalEnv,
  type LearningComparison,
} from '../src/index.js';
import { InProcessRuntime, spec, tempDir } from './helpers.js';

// The notes env's two families, one of them held out, beside the counter env, which holds none out.
// In process and quick (seconds), but given minutes: the machine may be loaded.
const runtime = new InProcessRuntime({ notes: () => new NotesEnv([findCode, findEachCode]), counter: () => new CounterEnv(8) });
const HELD = 'notes/find-each-code';
const envs: EvalEnv[] = [
  { name: 'notes', spec: spec('notes'), families: ['notes/find-code', HELD], heldOut: [HELD] },
  { name: 'counter', spec: spec('counter'), families: ['counter/reach-target'] },
];
const familiesOf = (records: readonly EpisodeRecord[]) => new Set(records.map((r) => r.family));
const successOf = (records: readonly EpisodeRecord[], family: string) => {
  const mine = records.filter((r) => r.family === family);
  return wilson(mine.filter((r) => r.success === true).length, mine.length);
};

describe('held-out families', () => {
  it(
    'transfer trains on no held-out family, tests every set on it, and splits its env cells into trained and held-out families',
    { timeout: 300_000 },
    async () => {
      const out = await tempDir();
      const result = await transferMatrix({ runtime, envs, out, trainTasksPerFamily: 3, testTasksPerFamily: 3, maxSteps: 8 });
      expect(familiesOf(await readRecords(join(out, 'expert')))).toEqual(new Set(['notes/find-code', 'counter/reach-target']));
      const sets = ['00-untrained', '01-notes', '02-counter', '03-all'];
      for (const set of sets) {
        const tested = await readRecords(join(out, 'sets', set, 'eval'));
        expect(familiesOf(tested)).toEqual(new Set(['notes/find-code', HELD, 'counter/reach-target']));
        const notes = result.cells.find((c) => c.trainSet === set.slice(3) && c.testEnv === 'notes')!;
        expect(notes.trainedFamilies).toMatchObject({ families: ['notes/find-code'], success: successOf(tested, 'notes/find-code') });
        expect(notes.heldOutFamilies).toMatchObject({ families: [HELD], success: successOf(tested, HELD) });
        // Each part against the untrained row over its own tasks; the untrained row has no difference.
        expect(notes.heldOutFamilies!.vsUntrained?.pairs).toBe(set === '00-untrained' ? undefined : 3);
        expect(notes.trainedFamilies!.vsUntrained?.pairs).toBe(set === '00-untrained' ? undefined : 3);
        const counter = result.cells.find((c) => c.trainSet === set.slice(3) && c.testEnv === 'counter')!;
        expect(counter.trainedFamilies).toBeUndefined();
        expect(counter.heldOutFamilies).toBeUndefined();
      }
      const md = await readFile(result.files.markdown, 'utf8');
      expect(md).toContain(`## Unseen seeds and unseen families`);
      expect(md).toContain(`Held out: ${HELD}.`);
      expect(md).toMatch(
        /\| notes \| trained families: [\d.]+% \[[\d.]+%–[\d.]+%\] n=3<br>(\*\*)?Δ .*<br>held-out families: [\d.]+% .*n=3<br>(\*\*)?Δ .* \| — \|/,
      );
      const csv = (await readFile(result.files.csv, 'utf8')).trim().split('\n');
      expect(csv).toEqual(transferCsv(result).trim().split('\n'));
      expect(csv.filter((l) => l.startsWith('all,notes counter,notes,')).map((l) => l.split(',')[3])).toEqual(['all', 'trained', 'held-out']);
      expect(csv.filter((l) => l.startsWith('all,notes counter,counter,')).map((l) => l.split(',')[3])).toEqual(['all']);
      const json = JSON.parse(await readFile(result.files.json, 'utf8')) as { cells: unknown[] };
      expect(json.cells).toEqual(JSON.parse(JSON.stringify(result.cells)));
    },
  );

  it('online RL samples no held-out family, evaluates it, and compares trained against held-out families', { timeout: 300_000 }, async () => {
    const out = await tempDir();
    await using updater = new EmbeddedUpdater({ method: 'rloo' });
    await rlLoop({
      runtime,
      envs,
      updater,
      out,
      iterations: 2,
      tasksPerIteration: 2,
      group: 2,
      estimator: 'rloo',
      maxSteps: 6,
      evaluation: { every: 1, tasksPerFamily: 2 },
    });
    for (const iteration of ['000', '001'])
      expect(familiesOf(await readRecords(join(out, 'iterations', iteration, 'run')))).toEqual(new Set(['notes/find-code', 'counter/reach-target']));
    for (const at of ['000', '001', '002']) expect(familiesOf(await readRecords(join(out, 'evals', at)))).toContain(HELD);
    const comparison = JSON.parse(await readFile(join(out, 'comparison.json'), 'utf8')) as LearningComparison;
    const splits = comparison.rows.filter((r) => r.scope === 'family split');
    expect(splits.map((r) => [r.key, r.comparison.pairs])).toEqual([
      ['trained families', 4],
      ['held-out families', 2],
    ]);
  });

  it('refuses online RL when every family is held out', async () => {
    await using updater = new EmbeddedUpdater({ method: 'rloo' });
    const held = envs.map((e) => ({ ...e, heldOut: e.families }));
    await expect(
      rlLoop({ runtime, envs: held, updater, out: await tempDir(), iterations: 1, tasksPerIteration: 1, group: 2, estimator: 'rloo' }),
    ).rejects.toThrow('every family selected is held out of training: nothing to train on');
  });

  it(
    'eval reports trained against held-out families as the scope "family split", only when a held-out family was evaluated',
    { timeout: 300_000 },
    async () => {
      const out = await tempDir();
      await transferMatrix({ runtime, envs, out, trainTasksPerFamily: 1, testTasksPerFamily: 2, maxSteps: 8, baseline: false });
      const records = await readRecords(join(out, 'sets', '00-notes', 'eval'));
      const report = evaluateRecords(records, { heldOut: new Set([HELD]) });
      const split = report.rows.filter((r) => r.scope === 'family split');
      expect(split.map((r) => [r.key, r.episodes])).toEqual([
        ['trained families', 4],
        ['held-out families', 2],
      ]);
      expect(split[1]!.success).toEqual(successOf(records, HELD));
      expect(formatEvalMarkdown(report)).toMatch(
        /## By family split\n\n\| family split \| episodes .*\n.*\n\| trained families \| 4 \|.*\n\| held-out families \| 2 \|/,
      );
      expect(evaluateRecords(records, { heldOut: new Set(['notes/elsewhere']) }).rows.some((r) => r.scope === 'family split')).toBe(false);
      expect(evaluateRecords(records).rows.some((r) => r.scope === 'family split')).toBe(false);
      // The difficulty scope is each instance's tier, as its family drew it.
      const notes = new NotesEnv([findCode, findEachCode]);
      for (const r of records.filter((r) => r.env === 'notes')) expect(r.difficulty).toBe(notes.tier(r.family!, r.seed!, r.split!));
      const tiers = new Set(records.filter((r) => r.env === 'notes').map((r) => r.difficulty));
      expect(new Set(report.rows.filter((r) => r.scope === 'difficulty').map((r) => r.key))).toEqual(new Set([...tiers, 'easy']));
    },
  );
});
