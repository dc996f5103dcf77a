import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkbook, cellName, parseRange, readXlsx, type Workbook } from '../src/engine/index.js';
import { SpreadsheetEnv } from '../src/index.js';
import { formulaRefs } from '../src/engine/formula-refs.js';
import { cellsOf, get } from '../src/tasks/helpers.js';
import { perturbation, PERTURBATIONS, roundRng } from '../src/verify.js';
import { inProcessClient, open } from './helpers.js';

const client = inProcessClient();
afterAll(() => client.close());
const env = new SpreadsheetEnv();
const withFormulas = env.families().filter((f) => f.id !== 'spreadsheet/spreadsheetbench' && env.instance(f.id!, 1).formulas);

/** Plays a strategy or near-miss to its end and returns the verdict and the final workbook. */
async function play(family: string, seed: number, strategy: string) {
  const ep = await open(client, family, seed);
  try {
    for (let i = 0; i < 60; i++) {
      const action = await client.expert(ep.session, { strategy });
      const reply = await client.step(ep.session, action.calls);
      if (reply.terminated || reply.truncated) {
        const info = JSON.parse(reply.infoJson || '{}') as { workbookBase64?: string };
        const wb = info.workbookBase64 ? await readXlsx(Buffer.from(info.workbookBase64, 'base64')) : undefined;
        return { verdict: reply.verdict!, wb };
      }
    }
    throw new Error(`${strategy} did not finish`);
  } finally {
    await ep.close();
  }
}

/** The cells a target's formula reads, through other formulas, down to cells holding constants. */
function precedents(wb: Workbook, ref: string, seen = new Set<string>()): Set<string> {
  const at = parseRange(ref);
  const sheetName = at.sheet!;
  const formula = wb.sheet(sheetName)?.get(at.top, at.left)?.formula;
  const leaves = new Set<string>();
  if (formula === undefined) return leaves.add(ref);
  for (const r of formulaRefs(formula)) {
    for (let row = r.r1; row <= r.r2; row++) {
      for (let c = r.c1; c <= r.c2; c++) {
        const cell = `${r.sheet ?? sheetName}!${cellName(row, c)}`;
        if (seen.has(cell)) continue;
        seen.add(cell);
        for (const leaf of precedents(wb, cell, seen)) leaves.add(leaf);
      }
    }
  }
  return leaves;
}

describe('verifiers judge against the task, never against what the agent can edit', () => {
  it('highlight-rows: rewriting every row to match and filling them all scores 0 (was 0.99, parts up to 2.75)', async () => {
    for (const seed of [1, 2, 3]) {
      const { verdict } = await play('spreadsheet/highlight-rows', seed, 'rewrite-and-fill-all');
      expect(verdict).toMatchObject({ reward: 0, success: false, components: { formats: 0 } });
    }
  });

  it('highlight-rows: every overdue row, the amount ignored, scores below success', async () => {
    const { verdict } = await play('spreadsheet/highlight-rows', 1, 'ignore-amount');
    expect(verdict.success).toBe(false);
    expect(verdict.components?.formats).toBeLessThan(1);
  });

  it('grouped-summary: constant formulas (=1518.1) keep none of the targets through the perturbation (kept 3 of 9), and none of their values count', async () => {
    for (const seed of [1, 2, 3]) {
      const { verdict } = await play('spreadsheet/grouped-summary', seed, 'constant-formulas');
      expect(verdict.components).toMatchObject({ values: 0, formulas: 0 });
      expect(verdict.success).toBe(false);
    }
  });

  it('a discount or a start date typed into the formula fails: the perturbation moves every input', async () => {
    const discount = await play('spreadsheet/computed-column', 1, 'hardcoded-discount');
    expect(discount.verdict.components).toMatchObject({ values: 0, formulas: 0 });
    const start = await play('spreadsheet/date-arithmetic', 1, 'constant-start');
    expect(start.verdict.components).toMatchObject({ values: 0, formulas: 0 });
  });

  it('keeps every component in 0..1 and the reward below 1 without success, for every near-miss', async () => {
    for (const family of env.families()) {
      for (const nearMiss of family.nearMisses ?? []) {
        const { verdict } = await play(family.id!, 4, nearMiss);
        for (const v of Object.values(verdict.components ?? {})) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(verdict.success, `${family.id} ${nearMiss}`).toBe(false);
        expect(verdict.reward).toBeLessThan(1);
      }
    }
  });

  it("moves every target's expected value in every perturbation round, on every seed", () => {
    const stuck: string[] = [];
    for (const family of withFormulas) {
      for (const split of ['train', 'test']) {
        for (let seed = 0; seed < 40; seed++) {
          const task = env.instance(family.id!, seed, split);
          const start = buildWorkbook(task.sheets);
          for (let round = 1; round <= PERTURBATIONS; round++) {
            if (!perturbation(task, start, roundRng(split, seed, round)).moved) stuck.push(`${family.id} ${split} seed ${seed} round ${round}`);
          }
        }
      }
    }
    expect(stuck).toEqual([]);
  });

  it('moves every input the reference formulas read, and declares it among the inputs the check resets', async () => {
    const problems: string[] = [];
    for (const family of withFormulas) {
      for (const seed of [1, 2]) {
        const task = env.instance(family.id!, seed);
        const start = buildWorkbook(task.sheets);
        const { wb } = await play(family.id!, seed, '');
        const declared = new Set(task.formulas!.inputs.flatMap(cellsOf));
        const rounds = [1, 2].map((round) => perturbation(task, start, roundRng('train', seed, round)).wb);
        for (const target of task.formulas!.cells) {
          for (const input of precedents(wb!, target)) {
            if (get(start, input) === null || task.formulas!.cells.includes(input)) continue;
            if (!declared.has(input)) problems.push(`${family.id} seed ${seed}: ${target} reads ${input}, which the check does not reset`);
            if (rounds.every((p) => get(p, input) === get(start, input)))
              problems.push(`${family.id} seed ${seed}: ${target} reads ${input}, which no perturbation moves`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
