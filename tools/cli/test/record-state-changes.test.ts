import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// What an episode record keeps of the end state, from real envs on the local runtime (each env's
// server a child process): the verdict's detail and every change since the reset, as each env
// presents it. One expert episode of a code, a spreadsheet and a browser site family.

const FAMILIES = ['code/py-fix-bug', 'spreadsheet/clean-names', 'browser/contacts-update'];
const HASHED_FILE = /^file 0[0-7]{3} sha256:[0-9a-f]{64}$/;

let run: string;
const byFamily = new Map<string, EpisodeRecord>();

beforeAll(async () => {
  run = join(await mkdtemp(join(tmpdir(), 'workgym-state-changes-')), 'run');
  const rollout = await workgym('rollout', '--agent', 'expert', '--family', `{${FAMILIES.join(',')}}`, '--episodes', '1', '--runtime', 'local', '--out', run);
  expect(rollout.code, rollout.stderr).toBe(0);
  await using reader = await openRun(run);
  for await (const record of reader.records()) byFamily.set(record.family!, record);
}, 600_000);

const changes = (family: string) => byFamily.get(family)!.stateChanges ?? [];

describe("an episode record's end state", () => {
  it("keeps every family's verdict detail, and what changed, in full", () => {
    expect([...byFamily.keys()].sort()).toEqual([...FAMILIES].sort());
    for (const record of byFamily.values()) {
      expect(record.status, record.family!).toBe('success');
      expect(record.verdictDetail).not.toBe('');
      expect(record.stateChangesTruncated).toBe(false);
      expect(record.stateChanges!.length, record.family!).toBeGreaterThan(0);
      const keys = record.stateChanges!.map((c) => c.key!);
      expect(keys).toEqual([...keys].sort());
    }
    expect(byFamily.get('code/py-fix-bug')!.verdictDetail).toMatch(/hidden tests pass/);
  });

  it('shows the code workspace file the expert fixed as its text before and after', () => {
    const [fixed, ...others] = changes('code/py-fix-bug');
    expect(others).toEqual([]);
    expect(fixed!.key).toMatch(/^file:\S+\.py$/);
    for (const value of [fixed!.before, fixed!.after]) {
      expect(value).not.toMatch(HASHED_FILE);
      expect(value).toMatch(/\ndef \w+\(/);
    }
    expect(fixed!.after).not.toBe(fixed!.before);
  });

  it('shows the spreadsheet cells written, each with its formula and value', () => {
    const cells = changes('spreadsheet/clean-names');
    for (const cell of cells) expect(cell.key).toMatch(/^cell:People![A-Z]+\d+$/);
    const formulas = cells.filter((c) => c.before == null).map((c) => JSON.parse(c.after!) as { formula?: string; value: unknown });
    expect(formulas.filter((c) => c.formula !== undefined).length).toBeGreaterThan(1);
    for (const cell of formulas.filter((c) => c.formula !== undefined)) expect(typeof cell.value).toBe('string');
  });

  it('shows the site record the expert edited as its JSON before and after', () => {
    const [record, ...others] = changes('browser/contacts-update');
    expect(others).toEqual([]);
    expect(record!.key).toMatch(/^site:contacts\/contacts\/\d+$/);
    const [before, after] = [JSON.parse(record!.before!), JSON.parse(record!.after!)] as Record<string, unknown>[];
    expect(after!.id).toBe(before!.id);
    expect(after).not.toEqual(before);
  });

  it('is printed by data show: the detail and the keys that changed', async () => {
    const shown = await workgym('data', 'show', run, byFamily.get('spreadsheet/clean-names')!.episodeId!);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`verdict  ${byFamily.get('spreadsheet/clean-names')!.verdictDetail}`);
    expect(shown.stdout).toMatch(new RegExp(`^changed  ${changes('spreadsheet/clean-names').length} things in the env's state: cell:People!`, 'm'));
  });
});
