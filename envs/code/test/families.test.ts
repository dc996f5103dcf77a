import { describe, expect, it } from 'vitest';
import { validateToolCall } from '@workgym/protocol';
import { ALL_TOOLS, CodeEnv } from '../src/index.js';

const env = new CodeEnv();
const ids = env.families().map((f) => f.id!);
const SEEDS = [1, 2, 3, 4, 5, 6];

describe('code env catalogue', () => {
  it('lists at least 10 families with the junior-programmer job, a difficulty and both splits', () => {
    expect(ids.length).toBeGreaterThanOrEqual(10);
    for (const family of env.families()) {
      expect(family.id).toMatch(/^code\/[a-z0-9-]+$/);
      expect(family.job).toBe('junior-programmer');
      expect(['easy', 'medium', 'hard']).toContain(family.difficulty);
      expect(family.splits).toEqual(['train', 'test']);
    }
    expect(new Set(env.families().map((f) => f.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
  });

  it('derives JSON Schemas for every tool from one zod definition', () => {
    expect(ALL_TOOLS.map((t) => t.name)).toEqual(['bash', 'read_file', 'write_file', 'edit_file', 'list_files', 'run_tests', 'submit', 'answer']);
    const bash = JSON.parse(ALL_TOOLS[0]!.parametersJson!) as { required: string[]; additionalProperties: boolean };
    expect(bash.required).toEqual(['command']);
    expect(bash.additionalProperties).toBe(false);
  });
});

describe.each(ids)('%s', (family) => {
  it('generates the same instance from the same seed and split', () => {
    expect(JSON.stringify(env.instance(family, 7, 'train'))).toBe(JSON.stringify(env.instance(family, 7, 'train')));
  });

  it('gives distinct instances for distinct seeds and for the two splits', () => {
    const views = SEEDS.map((seed) => JSON.stringify([env.instance(family, seed).files, env.instance(family, seed).instruction, env.instance(family, seed).check]));
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
      } else {
        for (const content of Object.values(check.reference)) expect(workspace).not.toContain(content);
        if (check.suite.kind === 'script') for (const input of check.suite.inputs.slice(1)) expect(workspace).not.toContain(input);
      }
    }
  });

  it('offers only valid tool calls as candidates', () => {
    for (const seed of SEEDS) {
      for (const candidate of env.instance(family, seed).candidates ?? []) {
        expect(() => validateToolCall({ id: 'c', name: candidate.name, argumentsJson: JSON.stringify(candidate.arguments) }, ALL_TOOLS)).not.toThrow();
      }
    }
  });
});

it('gives candidate actions in at least half of the families, each with a solving action among them', () => {
  const withCandidates = ids.filter((id) => (env.instance(id, 1).candidates ?? []).length > 0);
  expect(withCandidates.length * 2).toBeGreaterThanOrEqual(ids.length);
  for (const id of withCandidates) {
    const instance = env.instance(id, 1);
    const check = instance.check;
    const solving = (instance.candidates ?? []).some((c) =>
      check.kind === 'answer'
        ? c.name === 'answer' && c.arguments.text === check.accept[0]
        : (c.name === 'write_file' && Object.values(check.reference).includes(c.arguments.content as string)) ||
          (c.name === 'edit_file' && instance.expert.edits?.some((e) => e.old === c.arguments.old && e.new === c.arguments.new)),
    );
    expect(solving, id).toBe(true);
  }
});
