import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords } from '@workgym/trainers/eval';
import type { EpisodeRecord } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// Two spreadsheet families, one held out by --hold-out: real episodes under the local runtime.
const TRAINED = 'spreadsheet/answer-question';
const HELD = 'spreadsheet/computed-column';
// One instance at a time: the test is about which families are played, not how fast.
const FAMILIES = ['--env', 'spreadsheet', '--family', `{${TRAINED},${HELD}}`, '--runtime', 'local', '--max-steps', '6', '--parallel', '1'];
const familiesOf = (records: readonly EpisodeRecord[]) => new Set(records.map((r) => r.family));
const temp = () => mkdtemp(join(tmpdir(), 'workgym-cli-held-out-'));

interface Part {
  families: string[];
  success: { n: number };
  vsUntrained?: { pairs: number };
}

describe('held-out families on the command line', () => {
  it('transfer trains on no held-out family and splits the report; eval --run reports the family split', { timeout: 600_000 }, async () => {
    const out = join(await temp(), 'transfer');
    const episodes = ['--train-episodes', '1', '--test-episodes', '2'];
    const { code, stdout, stderr } = await workgym('transfer', ...FAMILIES, ...episodes, '--hold-out', HELD, '--out', out, '--json');
    expect(code, stderr).toBe(0);
    expect(familiesOf(await readRecords(join(out, 'expert')))).toEqual(new Set([TRAINED]));
    expect(familiesOf(await readRecords(join(out, 'sets', '01-spreadsheet', 'eval')))).toEqual(new Set([TRAINED, HELD]));
    const matrix = JSON.parse(stdout) as { cells: { trainSet: string; trainedFamilies: Part; heldOutFamilies: Part }[] };
    const trained = matrix.cells.find((c) => c.trainSet === 'spreadsheet')!;
    expect(trained.trainedFamilies).toMatchObject({ families: [TRAINED], success: { n: 2 }, vsUntrained: { pairs: 2 } });
    expect(trained.heldOutFamilies).toMatchObject({ families: [HELD], success: { n: 2 }, vsUntrained: { pairs: 2 } });
    expect(await readFile(join(out, 'transfer.md'), 'utf8')).toContain(`Held out: ${HELD}.`);
    // Offline training leaves out the episodes of held-out families, saying how many.
    const offline = await workgym('train', '--from', join(out, 'expert'), '--hold-out', TRAINED, '--out', join(out, 'bc'), '--dry-run');
    expect(offline.stderr).toContain(`[train] left out 1 episodes of held-out families (${TRAINED}); --include-held-out learns from them`);
    expect(offline.stdout).toMatch(/^dry run, nothing started: train bc on 0 episodes of /);

    const report = join(await temp(), 'eval.json');
    const evaluated = await workgym('eval', '--run', join(out, 'sets', '01-spreadsheet', 'eval'), '--hold-out', 'spreadsheet/computed-*', '--json', report);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/## By family split\n\n.*\n.*\n\| trained families \| 2 \|.*\n\| held-out families \| 2 \|/);
    const rows = (JSON.parse(await readFile(report, 'utf8')) as { rows: { scope: string; key: string; episodes: number }[] }).rows;
    expect(rows.filter((r) => r.scope === 'family split').map((r) => [r.key, r.episodes])).toEqual([
      ['trained families', 2],
      ['held-out families', 2],
    ]);
  });

  it('train --online samples no held-out family, tests it, and compares trained against held-out families', { timeout: 600_000 }, async () => {
    const out = join(await temp(), 'rl');
    const loop = ['--method', 'rloo', '--iterations', '1', '--tasks', '1', '--group', '2', '--sample-rounds', '1', '--eval-every', '1', '--eval-tasks', '1'];
    const { code, stdout, stderr } = await workgym('train', '--online', ...loop, ...FAMILIES, '--hold-out', HELD, '--out', out);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`[rl] held out of training: ${HELD}`);
    expect(familiesOf(await readRecords(join(out, 'iterations', '000', 'run')))).toEqual(new Set([TRAINED]));
    for (const at of ['000', '001']) expect(familiesOf(await readRecords(join(out, 'evals', at)))).toEqual(new Set([TRAINED, HELD]));
    expect(stdout).toMatch(/^test, last against first: held-out families: /m);
  });

  it('refuses a --hold-out glob that matches no family in one line, listing the families, and exits 1', { timeout: 300_000 }, async () => {
    for (const command of [
      ['transfer', ...FAMILIES, '--out', 'x', '--dry-run'],
      ['train', '--online', '--method', 'grpo', ...FAMILIES, '--out', 'x', '--dry-run'],
      ['eval', '--agent', 'random', ...FAMILIES, '--dry-run'],
    ]) {
      const { code, stdout, stderr } = await workgym(...command, '--hold-out', `${TRAINED},nothing/*`);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        new RegExp(`^workgym: --hold-out "nothing/\\*" matches none of the families: [^\\n]+\\nhint: see \`workgym ${command[0]} --help\`\\n$`),
      );
      expect(stderr.split('\n')[0]!.split(': ').at(-1)!.split(', ').sort()).toEqual([TRAINED, HELD]);
    }
    const both = await workgym('transfer', ...FAMILIES, '--out', 'x', '--dry-run', '--hold-out', HELD, '--include-held-out');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^workgym: give --hold-out .* or --include-held-out .*, not both\n/);
  });

  it("takes the catalogue's held-out families unless told otherwise, and workgym envs shows them with the tiers", { timeout: 300_000 }, async () => {
    const listed = await workgym('envs', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const families = (
      JSON.parse(listed.stdout) as { envs: { families: { id: string; heldOut: boolean; tiers: string[]; difficulty: string }[] }[] }
    ).envs.flatMap((e) => e.families);
    for (const f of families) expect(f.tiers.every((t) => ['easy', 'medium', 'hard'].includes(t))).toBe(true);
    const held = families.filter((f) => f.heldOut);
    // Every job holds a family out (docs/adding-a-family.md).
    expect(held.length).toBeGreaterThan(0);
    const table = (await workgym('envs')).stdout;
    for (const f of held) expect(table).toMatch(new RegExp(`^${f.id} .* held out `, 'm'));
    const tiered = families.find((f) => f.tiers.length > 0)!;
    expect(table).toMatch(new RegExp(`^${tiered.id} +\\S+ +${tiered.tiers.join(', ')} `, 'm'));

    const plan = await workgym('transfer', '--family', held[0]!.id, '--out', 'x', '--dry-run');
    expect(plan.stdout).toContain(`held out: ${held[0]!.id} (kept out of training, evaluated)`);
    const included = await workgym('transfer', '--family', held[0]!.id, '--out', 'x', '--dry-run', '--include-held-out');
    expect(included.stdout).toContain('held out: none');
    const online = await workgym('train', '--online', '--method', 'grpo', '--family', held[0]!.id, '--out', 'x', '--dry-run');
    expect(online.code).toBe(1);
    expect(online.stderr).toMatch(/^workgym: every family selected is held out of training: nothing to train on/);
  });
});
