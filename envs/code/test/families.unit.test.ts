import { describe, expect, it } from 'vitest';
import { validateToolCall } from '@workgym/protocol';
import { CodeEnv, TOOLS } from '../src/index.js';
import { replaceOnce } from '../src/tasks/function-specs.js';

const env = new CodeEnv();
const ids = env.families().map((f) => f.id!);
const SEEDS = [1, 2, 3, 4, 5, 6];

describe('code env catalogue', () => {
  it('lists at least 10 families with the junior-programmer job, a difficulty and both splits', () => {
    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const family of env.families()) {
      expect(family.id).toMatch(/^code\/[a-z0-9-]+$/);
      expect(['junior-programmer', 'it-support']).toContain(family.job);
      expect(['easy', 'medium', 'hard']).toContain(family.difficulty);
      expect(family.splits).toEqual(['train', 'test']);
    }
    expect(new Set(env.families().map((f) => f.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
  });

  it('derives JSON Schemas for every tool from one zod definition', () => {
    expect(TOOLS.specs.map((t) => t.name)).toEqual(['bash', 'read_file', 'write_file', 'edit_file', 'list_files', 'run_tests', 'submit', 'answer']);
    const bash = JSON.parse(TOOLS.specs[0]!.parametersJson!) as { required: string[]; additionalProperties: boolean };
    expect(bash.required).toEqual(['command']);
    expect(bash.additionalProperties).toBe(false);
  });
});

describe.each(ids)('%s', (family) => {
  it('generates the same instance from the same seed and split', () => {
    expect(JSON.stringify(env.instance(family, 7, 'train'))).toBe(JSON.stringify(env.instance(family, 7, 'train')));
  });

  it('gives distinct instances for distinct seeds and for the two splits', () => {
    const views = SEEDS.map((seed) =>
      JSON.stringify([env.instance(family, seed).files, env.instance(family, seed).instruction, env.instance(family, seed).check]),
    );
    expect(new Set(views).size).toBeGreaterThanOrEqual(SEEDS.length - 1);
    for (const seed of SEEDS) {
      expect(JSON.stringify(env.instance(family, seed, 'test'))).not.toBe(JSON.stringify(env.instance(family, seed, 'train')));
    }
  });

  it('keeps hidden checks out of the workspace files', () => {
    for (const seed of SEEDS) {
      const instance = env.instance(family, seed);
      const workspace = JSON.stringify([instance.files, instance.databases ?? {}, instance.git ?? []]);
      const check = instance.check;
      if (check.kind === 'answer') {
        // The answer may be a fact of the repository, but never written down as the answer.
        expect(workspace).not.toContain(`answer: ${check.accept[0]}`);
      } else if ('reference' in check) {
        for (const content of Object.values(check.reference)) expect(workspace).not.toContain(content);
        if (check.kind === 'runs' && check.suite.kind === 'script') for (const input of check.suite.inputs) expect(workspace).not.toContain(input);
      }
    }
  });

  it('offers only valid tool calls as candidates', () => {
    for (const seed of SEEDS) {
      for (const candidate of env.instance(family, seed).candidates) {
        expect(() => validateToolCall({ id: 'c', name: candidate.name, argumentsJson: JSON.stringify(candidate.arguments) }, TOOLS.specs)).not.toThrow();
      }
    }
  });
});

it('gives candidate actions in every family, with a solving action among them for each file the task changes', () => {
  for (const id of ids) {
    for (const seed of SEEDS) {
      const instance = env.instance(id, seed);
      const candidates = instance.candidates;
      expect(candidates.length, id).toBeGreaterThanOrEqual(4);
      const check = instance.check;
      if (check.kind === 'answer') {
        // An infeasible seed accepts no answer: report_infeasible, which the kit offers, is what solves it.
        if (check.accept.length === 0) continue;
        expect(
          candidates.some((c) => c.name === 'answer' && c.arguments.text === check.accept[0]),
          id,
        ).toBe(true);
        continue;
      }
      if (!('reference' in check)) continue;
      for (const [path, content] of Object.entries(check.reference)) {
        const start = instance.files[path];
        const solving = candidates.some(
          (c) =>
            c.arguments.path === path &&
            ((c.name === 'write_file' && c.arguments.content === content) ||
              (c.name === 'edit_file' && start !== undefined && replaceOnce(start, c.arguments.old as string, c.arguments.new as string) === content)),
        );
        expect(solving, `${id} seed ${seed}: ${path}`).toBe(true);
      }
    }
  }
});

it('lists at least two expert strategies and one near-miss per family, all distinct', () => {
  for (const family of env.families()) {
    expect(family.strategies!.length, family.id!).toBeGreaterThanOrEqual(2);
    expect(family.nearMisses!.length, family.id!).toBeGreaterThanOrEqual(1);
    expect(new Set([...family.strategies!, ...family.nearMisses!]).size).toBe(family.strategies!.length + family.nearMisses!.length);
  }
});
