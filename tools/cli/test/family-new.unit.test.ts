import { describe, expect, it } from 'vitest';
import { addDocRow, camelCase, docRow, parseTarget, registerFamily, renderFamily } from '../src/actions/family-new.js';
import { describeShapes } from '../src/family-shapes.js';

// The text edits `workgym family new` makes; family-new.test.ts runs the whole command in a copy of the repository.

const TEMPLATE = `// Implement one function from its description.
import type { Rng } from '@workgym/protocol';
import { implementFunctionTask } from '../shapes/implement-function.js';
import type { FamilyDef } from '../task.js';

export const templateFamily: FamilyDef = {
  name: 'template-implement-function',
  difficulty: 'easy',
  description: 'Write a function.',
  strategies: ['write-file', 'heredoc'],
  nearMisses: ['hard-code-examples'],
  generate: (rng: Rng) => implementFunctionTask(rng),
};
`;

describe('family new, its edits', () => {
  it('reads <env>/<name> and refuses a name that is not kebab-case', () => {
    expect(parseTarget('code/parse-duration')).toEqual({ env: 'code', name: 'parse-duration' });
    expect(camelCase('parse-duration-2x')).toBe('parseDuration2x');
    for (const bad of ['code/Parse', 'code/parse_duration', 'code/-parse', 'code/parse--duration', 'code/2parse', 'code/parse-'])
      expect(() => parseTarget(bad)).toThrow(/kebab-case/);
    for (const bad of ['parse-duration', 'code/a/b', '/parse']) expect(() => parseTarget(bad)).toThrow(/<env>\/<name>/);
  });

  it('renames the template and points its imports at the tasks folder', () => {
    const family = renderFamily(TEMPLATE, { env: 'code', name: 'parse-duration', shape: 'implement-function', identifier: 'parseDuration' });
    expect(family.split('\n')[0]).toBe('// code/parse-duration (from the implement-function shape): Implement one function from its description.');
    expect(family).toContain("export const parseDuration: FamilyDef = {\n  name: 'parse-duration',");
    expect(family).toContain("from './shapes/implement-function.js'");
    expect(family).toContain("from './task.js'");
    expect(family).toContain("from '@workgym/protocol'");
    expect(family).not.toMatch(/template|\.\.\//);
  });

  it('refuses a template that breaks the contract', () => {
    const target = { env: 'code', name: 'x', shape: 'fix-bug', identifier: 'x' };
    expect(() => renderFamily(TEMPLATE, target)).toThrow(/does not follow the templates' contract/);
  });

  it('imports the family after the last import (one over several lines too) and appends it to FAMILIES', () => {
    const index = [
      "import { a } from './a.js';",
      'import {',
      '  b,',
      "} from './b.js';",
      '',
      '/** Every family. */',
      'export const FAMILIES: readonly FamilyDef[] = [',
      '  a,',
      '  b,',
      '];',
      '',
    ].join('\n');
    expect(registerFamily(index, 'parseDuration', 'parse-duration', 'index.ts')).toBe(
      [
        "import { a } from './a.js';",
        'import {',
        '  b,',
        "} from './b.js';",
        "import { parseDuration } from './parse-duration.js';",
        '',
        '/** Every family. */',
        'export const FAMILIES: readonly FamilyDef[] = [',
        '  a,',
        '  b,',
        '  parseDuration,',
        '];',
        '',
      ].join('\n'),
    );
    expect(registerFamily("import { a } from './a.js';\nexport const FAMILIES = [a];\n", 'c', 'c', 'index.ts')).toBe(
      "import { a } from './a.js';\nimport { c } from './c.js';\nexport const FAMILIES = [a,\n  c,\n];\n",
    );
    expect(() => registerFamily("import { a } from './a.js';\nexport const ALL = [a];\n", 'c', 'c', 'envs/x/src/tasks/index.ts')).toThrow(
      /envs\/x\/src\/tasks\/index\.ts has no imports or no `export const FAMILIES/,
    );
  });

  it("adds a row to the Families table, filling the env's columns from the template", () => {
    const doc = [
      '# Env',
      '| tool | what |',
      '|---|---|',
      '| `bash` | runs |',
      '## Families',
      '',
      '| id | job | difficulty | what it asks | checked | strategies | near-misses |',
      '|---|---|---|---|---|---|---|',
      '| `x/old` | qa | easy | old | values | `a` | `b` |',
      '',
      'After.',
    ].join('\n');
    const row = docRow('x', 'new-one', 'formula-column', {
      job: 'analyst',
      difficulty: 'medium',
      description: 'Sum a | b.',
      strategies: ['fill', 'block'],
      nearMisses: [],
    });
    const lines = addDocRow(doc, row, 'docs/envs/x.md').split('\n');
    expect(lines[9]).toBe(
      '| `x/new-one` | analyst | medium | **New, from the `formula-column` shape:** Sum a \\| b. | as the `formula-column` shape | `fill`, `block` | — |',
    );
    expect(lines[10]).toBe('');
    expect(() => addDocRow('# Env\n| id |\n|---|\n', row, 'docs/envs/x.md')).toThrow(/docs\/envs\/x\.md has no table under "## Families"/);
  });

  it('lists shapes by env with the first line of each template', () => {
    const shapes = [
      { env: 'code', shape: 'fix-bug', fits: 'Fix a seeded bug.' },
      { env: 'code', shape: 'implement-function', fits: 'Implement a function.' },
      { env: 'spreadsheet', shape: 'formula-column', fits: 'A formula column.' },
    ];
    expect(describeShapes(shapes)).toBe(
      [
        '  code',
        '    fix-bug             Fix a seeded bug.',
        '    implement-function  Implement a function.',
        '  spreadsheet',
        '    formula-column      A formula column.',
      ].join('\n'),
    );
  });
});
