// The template contract (pure TypeScript, unit tier); templates.test.ts runs them in Chromium.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../src/tasks/index.js';
import { TEMPLATES } from '../src/tasks/templates/index.js';

const TASKS = resolve(dirname(fileURLToPath(import.meta.url)), '../src/tasks');
const TEMPLATE_DIR = join(TASKS, 'templates');
const shapes = readdirSync(TEMPLATE_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -'.ts'.length));

/** The relative module paths a source file imports. */
function relativeImports(source: string): string[] {
  return [...source.matchAll(/\bfrom '(\.[^']*)'/g)].map((m) => m[1]!);
}

describe('browser family templates follow the contract `workgym family new` copies them by', () => {
  it('has the form-filling and find-answer shapes, all listed in TEMPLATES and none in the catalogue', () => {
    expect(shapes.sort()).toEqual(['find-answer', 'form-filling']);
    expect(TEMPLATES.map((t) => t.name).sort()).toEqual(shapes.map((s) => `template-${s}`));
    expect(FAMILIES.filter((f) => f.name.startsWith('template-'))).toEqual([]);
  });

  it.each(shapes)(
    '%s: a first-line comment, one templateFamily export named template-<shape>, imports that still resolve once copied into src/tasks',
    (shape) => {
      const source = readFileSync(join(TEMPLATE_DIR, `${shape}.ts`), 'utf8');
      expect(source.split('\n')[0]).toMatch(/^\/\/ \S.{10,}$/);
      expect([...source.matchAll(/^export /gm)]).toHaveLength(1);
      expect(source).toMatch(/^export const templateFamily: FamilyDef = \{$/m);
      expect(source.split(`'template-${shape}'`)).toHaveLength(2);
      expect(source).toContain(`name: 'template-${shape}',`);
      const imports = relativeImports(source);
      expect(imports.length).toBeGreaterThan(0);
      for (const path of imports) {
        expect(path, `${shape}.ts imports ${path}`).toMatch(/^\.\.\//);
        // The copy's `from '../` becomes `from './`, relative to src/tasks/.
        const copied = resolve(TASKS, `./${path.slice('../'.length)}`).replace(/\.js$/, '.ts');
        expect(existsSync(copied), `${shape}.ts imports ${path}, which a copy in src/tasks/ cannot find`).toBe(true);
      }
    },
  );

  it('each template is small and has at least two strategies and a near-miss', () => {
    for (const t of TEMPLATES) {
      expect(readFileSync(join(TEMPLATE_DIR, `${t.name.slice('template-'.length)}.ts`), 'utf8').split('\n').length, t.name).toBeLessThanOrEqual(100);
      expect(t.strategies.length, t.name).toBeGreaterThanOrEqual(2);
      expect(t.nearMisses.length, t.name).toBeGreaterThanOrEqual(1);
    }
  });
});
