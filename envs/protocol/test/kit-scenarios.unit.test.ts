import { describe, expect, it } from 'vitest';
import { assertEnvConforms } from '../src/index.js';
import { FamilyCatalogue } from '../src/kit/index.js';
import { connectInProcess } from './helpers.js';
import { findCode, findEachCode, NotesEnv } from './notes-env.js';

describe('scenarios: families whose seeds come in blocks of related tasks', () => {
  const catalogue = new FamilyCatalogue('notes', [findCode, findEachCode], { job: 'assistant' });
  const notes = (seed: number, split = 'train') => catalogue.instance('notes/find-each-code', seed, split).notes;
  const target = (seed: number) => catalogue.instance('notes/find-each-code', seed).target;

  it('hand every seed of a scenario the same world and its own task number', () => {
    expect(notes(1)).toEqual(notes(0));
    expect(notes(2)).toEqual(notes(0));
    expect(notes(3)).not.toEqual(notes(0));
    expect(notes(4)).toEqual(notes(3));
    expect([0, 1, 2, 3, 4, 5].map(target)).toEqual([1, 2, 3, 1, 2, 3]);
    // The test split's worlds are its own, as for every family.
    expect(notes(0, 'test')).not.toEqual(notes(0));
  });

  it('name a seed’s scenario by its block, and none for a family that declares none', () => {
    expect([0, 1, 2, 3, 5, 6].map((seed) => catalogue.scenario('notes/find-each-code', seed))).toEqual(['0', '0', '0', '1', '1', '2']);
    expect(catalogue.scenario('notes/find-code', 4)).toBe('');
  });

  it('leave a family without scenarios as it was: one world per seed', () => {
    expect(catalogue.instance('notes/find-code', 1).notes).not.toEqual(catalogue.instance('notes/find-code', 0).notes);
  });

  it('refuse a scenario size that is not a whole number of at least one task', () => {
    for (const tasks of [0, 1.5]) {
      expect(() => new FamilyCatalogue('notes', [{ ...findEachCode, scenario: { tasks } }], { job: 'assistant' })).toThrow(
        `family find-each-code declares scenarios of ${tasks} tasks`,
      );
    }
  });

  it('reach the records through the server: Task.scenario at reset', async () => {
    const { client } = connectInProcess(new NotesEnv([findCode, findEachCode]));
    const scenarioOf = async (family: string, seed: number) => {
      const reset = await client.reset({ family, seed, split: 'test' });
      await client.closeSession(reset.session!);
      return reset.task!.scenario;
    };
    expect(await scenarioOf('notes/find-each-code', 2)).toBe('0');
    expect(await scenarioOf('notes/find-each-code', 3)).toBe('1');
    expect(await scenarioOf('notes/find-code', 3)).toBe('');
    await client.close();
  });

  it('keep a scenario family conformant: every seed of a scenario solvable by each strategy, the near-miss failing', async () => {
    const { client } = connectInProcess(new NotesEnv([findEachCode]));
    await assertEnvConforms(client, { seeds: [0, 1, 2] });
    await client.close();
  });
});
