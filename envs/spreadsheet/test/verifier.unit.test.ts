import { afterAll, describe, expect, it } from 'vitest';
import { buildWorkbook, cellName, parseRange, readXlsx, type Workbook } from '../src/engine/index.js';
import { SpreadsheetEnv } from '../src/index.js';
import { formulaRefs } from '../src/engine/formula-refs.js';
import { keyCol, keyRow } from '../src/engine/sheet.js';
import { cellsOf, get } from '../src/tasks/helpers.js';
import type { TaskInstance } from '../src/tasks/task.js';
import { perturbation, PERTURBATIONS, roundRng } from '../src/verify.js';
import { call, inProcessClient, open } from './helpers.js';
import type { ToolCall } from '@workgym/protocol';
import { FEASIBILITY, NO_COLLATERAL, REPORT_INFEASIBLE } from '@workgym/protocol/kit';

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

  it('highlight-rows: every overdue row, the amount ignored, scores 0 on the rows (a wrong row is not netted out by right ones)', async () => {
    const { verdict } = await play('spreadsheet/highlight-rows', 1, 'relax:amount');
    expect(verdict.success).toBe(false);
    expect(verdict.components?.formats).toBe(0);
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
      // Seeds whose expert writes formulas: an infeasible one's reports and writes nothing.
      for (const seed of [1, 2, 3].filter((s) => !env.catalogue.infeasible(family.id!, s)).slice(0, 2)) {
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

/** The generated families (every one declares its components; SpreadsheetBench keeps its own reward). */
const generated = env.families().filter((f) => f.id !== 'spreadsheet/spreadsheetbench');

/**
 * Plays `strategy` under shaped reward; `before` turns the expert's final call (submit or answer)
 * into the calls made instead (the attempt's own edits, then that call).
 */
async function shaped(family: string, seed: number, strategy = '', before?: (final: ToolCall, task: TaskInstance) => ToolCall[]) {
  const reset = await client.reset({ family, seed, reward: 'shaped' });
  const task = env.instance(family, seed);
  try {
    for (let i = 0; i < 60; i++) {
      const action = await client.expert(reset.session, { strategy });
      const final = action.calls[0]!;
      const calls = before && ['submit', 'answer', REPORT_INFEASIBLE].includes(final.name) ? before(final, task) : action.calls;
      let reply;
      for (const c of calls) reply = await client.step(reset.session, [c]);
      if (reply!.terminated || reply!.truncated) return reply!.verdict!;
    }
    throw new Error(`${strategy} did not finish`);
  } finally {
    await client.closeSession(reset.session);
  }
}

/** An episode of `calls` only, then submit (or answer "0"), under shaped reward. */
async function attempt(family: string, seed: number, calls: ToolCall[]) {
  const reset = await client.reset({ family, seed, reward: 'shaped' });
  try {
    for (const c of calls) await client.step(reset.session, [c]);
    const end = env.instance(family, seed).question ? call('answer', { text: '0' }) : call('submit', {});
    return (await client.step(reset.session, [end])).verdict!;
  } finally {
    await client.closeSession(reset.session);
  }
}

/** A cell of the starting workbook that holds something and that the task does not ask to change: an input if any, else a header. */
function untouchable(task: TaskInstance): string {
  const start = buildWorkbook(task.sheets);
  const allowed = new Set(task.writes ? task.writes.flatMap(cellsOf) : Object.keys(task.expected?.(start) ?? {}));
  const cells = start.sheets.flatMap((sheet) =>
    [...sheet.cells]
      .filter(([, cell]) => cell.value !== null && cell.value !== '')
      .map(([key]) => ({ key, ref: `${sheet.name}!${cellName(keyRow(key), keyCol(key))}` })),
  );
  const outside = cells.filter((c) => !allowed.has(c.ref));
  return (outside.find((c) => keyRow(c.key) > 1) ?? outside[0]!).ref;
}

describe('shaped reward pays only for the job (issue 27)', () => {
  it('is 0 for constants where formulas are asked, on every formula-checked family and near-miss that types them', async () => {
    const cases: [string, string][] = [
      ['spreadsheet/computed-column', 'typed-values'],
      ['spreadsheet/computed-column', 'hardcoded-discount'],
      ['spreadsheet/cross-sheet-lookup', 'typed-values'],
      ['spreadsheet/cross-sheet-lookup', 'price-constants'],
      ['spreadsheet/grouped-summary', 'constant-formulas'],
    ];
    for (const [family, strategy] of cases)
      for (const seed of [1, 2, 3]) {
        const verdict = await shaped(family, seed, strategy);
        expect([family, strategy, seed, verdict.success, verdict.reward, verdict.shapedReward]).toEqual([family, strategy, seed, false, 0, 0]);
        expect(verdict.components).toMatchObject({ formulas: 0, values: 0 });
      }
  });

  it('is 0 for the header alone, and for the target format alone', async () => {
    const cases: [string, ToolCall[]][] = [
      ['spreadsheet/clean-names', [call('write_cells', { range: 'People!C1', values: [['Clean name']] })]],
      ['spreadsheet/computed-column', [call('write_cells', { range: 'Items!E1', values: [['Net']] })]],
      ['spreadsheet/computed-column', [call('set_format', { range: 'Items!E2:E20', number_format: '0.00' })]],
      ['spreadsheet/grouped-summary', [call('set_format', { range: 'Summary!B2:D6', number_format: '0.00', bold: true })]],
    ];
    for (const [family, calls] of cases)
      for (const seed of [1, 2]) {
        const verdict = await attempt(family, seed, calls);
        expect([family, seed, verdict.success, verdict.shapedReward], verdict.detail).toEqual([family, seed, false, 0]);
      }
  });

  it('is 0 with any one condition dropped, on every family that states conditions', async () => {
    const paid: string[] = [];
    for (const family of generated)
      for (const condition of family.conditions ?? [])
        for (const seed of [1, 2, 3]) {
          const verdict = await shaped(family.id!, seed, `relax:${condition}`);
          if (verdict.success || verdict.shapedReward !== 0)
            paid.push(`${family.id} relax:${condition} seed ${seed}: ${verdict.shapedReward} (${verdict.detail})`);
        }
    expect(paid).toEqual([]);
    expect(generated.filter((f) => (f.conditions ?? []).length > 0).length).toBeGreaterThanOrEqual(4);
  });

  it('is 0 for a correct solution followed by damage: an input overwritten, or every data row deleted, on every generated family', async () => {
    const paid: string[] = [];
    for (const family of generated) {
      for (const seed of [1, 2]) {
        const overwrite = await shaped(family.id!, seed, '', (final, task) => {
          const ref = untouchable(task);
          return [call('write_cells', { range: ref, values: [['damaged']] }), final];
        });
        const wipe = await shaped(family.id!, seed, '', (final, task) => [call('delete_rows', { sheet: task.sheets[0]!.name, row: 2, count: 500 }), final]);
        for (const [how, v] of [
          ['an input overwritten', overwrite],
          ['every data row deleted', wipe],
        ] as const)
          // Deleting a table the task rearranges (sorting, deduplication) is judged by its values; anything else by the kit's guard.
          if (v.success || v.shapedReward !== 0 || (how === 'an input overwritten' && v.components?.no_collateral !== 0))
            paid.push(`${family.id} seed ${seed}, ${how}: success ${v.success}, shaped ${v.shapedReward} (${v.detail})`);
      }
    }
    expect(paid).toEqual([]);
  });

  it('still pays work a correct solution needs: the right formulas without their header earn 2 of 3 progress components', async () => {
    const verdict = await shaped('spreadsheet/computed-column', 1, 'fill-down', (final) => [
      call('write_cells', { range: 'Items!E1', values: [[null]] }),
      final,
    ]);
    expect(verdict.components).toMatchObject({ formulas: 1, values: 1, labels: 0, no_collateral: 1 });
    expect([verdict.success, verdict.shapedReward]).toEqual([false, 2 / 3]);
  });

  it("still pays the expert 1, and names exactly the declared components, with the kit's no_collateral a guard", async () => {
    for (const family of generated) {
      const own = family.components!.filter((c) => c.name !== FEASIBILITY);
      expect(own.at(-1), family.id!).toMatchObject({ name: NO_COLLATERAL, kind: 1 });
      // The kit's guard comes last, on exactly the families whose seeds may be infeasible.
      expect(family.components!.at(-1)!.name === FEASIBILITY, family.id!).toBe((family.features ?? []).includes('infeasible'));
      const verdict = await shaped(family.id!, 3);
      expect([family.id, verdict.success, verdict.shapedReward]).toEqual([family.id, true, 1]);
      expect(Object.keys(verdict.components ?? {}).sort()).toEqual(family.components!.map((c) => c.name!).sort());
    }
  });
});
