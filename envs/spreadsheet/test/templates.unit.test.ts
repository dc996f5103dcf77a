import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertEnvConforms } from '@workgym/protocol';
import { buildWorkbook } from '../src/engine/index.js';
import { TEMPLATES } from '../src/tasks/templates/index.js';
import { SpreadsheetEnv } from '../src/index.js';
import { perturbation, PERTURBATIONS, roundRng } from '../src/verify.js';
import { inProcessClient } from './helpers.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '../src/tasks/templates');
const shapes = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => basename(f, '.ts'));
const client = inProcessClient(TEMPLATES);
afterAll(() => client.close());

describe('spreadsheet family templates', () => {
  it('pass the conformance suite, every strategy, near-miss, condition and guess included', async () => {
    const families = TEMPLATES.map((t) => `spreadsheet/${t.name}`);
    const report = await assertEnvConforms(client, { seeds: [1, 2], families });
    expect(report.results.filter((r) => r.check === 'relaxation' && !r.skipped)).toHaveLength(1);
    expect(report.results.filter((r) => r.check === 'expert solves the task')).toHaveLength(2 * TEMPLATES.length);
  }, 300_000);

  it('are all in TEMPLATES, each with two strategies, a near-miss, a guess, and its whole state judged by the kit (collateral)', () => {
    expect(TEMPLATES.map((t) => t.name).sort()).toEqual(shapes.map((s) => `template-${s}`).sort());
    for (const t of TEMPLATES) {
      expect(t.strategies.length, t.name).toBeGreaterThanOrEqual(2);
      expect(t.nearMisses.length, t.name).toBeGreaterThanOrEqual(1);
      expect(t.guesses?.length, t.name).toBeGreaterThanOrEqual(1);
      expect(t.collateral, t.name).toBe(true);
    }
  });

  it("move every target's expected value in every perturbation round of the formulas check", () => {
    const env = new SpreadsheetEnv(TEMPLATES);
    const stuck: string[] = [];
    for (const t of TEMPLATES) {
      for (let seed = 0; seed < 20; seed++) {
        const task = env.instance(`spreadsheet/${t.name}`, seed);
        if (!task.formulas) continue;
        const start = buildWorkbook(task.sheets);
        for (let round = 1; round <= PERTURBATIONS; round++)
          if (!perturbation(task, start, roundRng('train', seed, round)).moved) stuck.push(`${t.name} seed ${seed} round ${round}`);
      }
    }
    expect(stuck).toEqual([]);
  });

  // What `workgym family new` relies on when it copies a template into src/tasks/<name>.ts.
  it.each(shapes)('%s follows the template contract', (shape) => {
    const text = readFileSync(join(dir, `${shape}.ts`), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^\/\/ \S.{10,}$/);
    expect(text.match(/^export /gm)).toHaveLength(1);
    expect(text).toMatch(/^export const templateFamily: FamilyDef = \{$/m);
    expect(text.split(`'template-${shape}'`)).toHaveLength(2);
    expect(text).toContain(`  name: 'template-${shape}',\n`);
    const relative = [...text.matchAll(/from '(\.[^']*)'/g)].map((m) => m[1]!);
    expect(relative.length).toBeGreaterThan(0);
    for (const path of relative) expect(path, shape).toMatch(/^\.\.\//);
    expect(text.split('\n').length).toBeLessThan(100);
  });
});
