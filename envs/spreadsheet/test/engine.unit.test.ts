import { describe, expect, it } from 'vitest';
import { ActionError } from '@workgym/protocol';
import {
  buildWorkbook,
  columnName,
  functionTable,
  MAX_COLS,
  MAX_ROWS,
  parseRange,
  readXlsx,
  Workbook,
  WorkbookEditor,
  writeXlsx,
} from '../src/engine/index.js';
import { adjustForStructure, formulaRefs, shiftFormula } from '../src/engine/formula-refs.js';
import { get } from '../src/tasks/helpers.js';

/**
 * A workbook and its editor. `sliceMs` is the editor's time limit per slice of recalculation:
 * tests of the unit budgets raise it, so that a loaded machine cannot turn one slow slice into a refusal.
 */
function sheetWith(rows: (string | number | null)[][], sliceMs?: number) {
  const wb = buildWorkbook([
    { name: 'Data', rows },
    { name: 'Other sheet', rows: [[5, 6]] },
  ]);
  return { wb, edit: new WorkbookEditor(wb, wb.sheets[0]!, sliceMs) };
}

const UNHURRIED_MS = 120_000;

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ActionError) return error.kind;
    throw error;
  }
  return undefined;
}

async function refusal(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ActionError) return error.kind;
    throw error;
  }
  return undefined;
}

describe('A1 references', () => {
  it('parses cells, ranges, quoted sheet names and whole columns', () => {
    expect(parseRange('B2')).toMatchObject({ top: 2, left: 2, bottom: 2, right: 2, sheet: undefined });
    expect(parseRange("'My sheet'!C3:A1")).toMatchObject({ sheet: 'My sheet', top: 1, left: 1, bottom: 3, right: 3 });
    expect(parseRange('Data!AB10')).toMatchObject({ sheet: 'Data', left: 28, top: 10 });
    expect(parseRange('C:D')).toMatchObject({ top: 1, left: 3, right: 4 });
  });

  it('refuses malformed references with bad_reference and beyond the cap with too_large', () => {
    expect(kindOf(() => parseRange('B'))).toBe('bad_reference');
    expect(kindOf(() => parseRange('A1:B2:C3'))).toBe('bad_reference');
    expect(kindOf(() => parseRange('!A1'))).toBe('bad_reference');
    expect(kindOf(() => parseRange('A0'))).toBe('bad_reference');
    expect(kindOf(() => parseRange('A20000'))).toBe('too_large');
  });
});

describe('formula references', () => {
  it('finds references outside strings and not function names', () => {
    const refs = formulaRefs('SUM(A1:B2)+LOG10(C3)+\'My sheet\'!$D$4&"E5"');
    expect(refs.map((r) => [r.sheet, r.r1, r.c1, r.r2, r.c2])).toEqual([
      [undefined, 1, 1, 2, 2],
      [undefined, 3, 3, 3, 3],
      ['My sheet', 4, 4, 4, 4],
    ]);
  });

  it('moves relative parts when a formula is copied and keeps $ parts', () => {
    expect(shiftFormula('A1*$B$1+B$2+$C3', 2, 1)).toBe('B3*$B$1+C$2+$C5');
    expect(shiftFormula('A1', -1, 0)).toBe('#REF!');
  });

  it('follows inserted and deleted rows, and turns deleted references into #REF!', () => {
    const all = () => true;
    expect(adjustForStructure('SUM(A2:A10)+A5', { kind: 'insert', axis: 'row', at: 3, count: 2 }, all)).toBe('SUM(A2:A12)+A7');
    expect(adjustForStructure('SUM(A2:A10)+A5', { kind: 'delete', axis: 'row', at: 4, count: 3 }, all)).toBe('SUM(A2:A7)+#REF!');
  });
});

describe('recalculation', () => {
  it('recalculates dependents through chains and ranges after an edit', async () => {
    const { wb, edit } = sheetWith([[1, '=A1*2', '=SUM(A1:B1)', "='Other sheet'!A1+C1"]]);
    expect(get(wb, 'Data!D1')).toBe(5 + 3);
    await edit.apply('write_cells', { range: 'A1', values: [[10]] });
    expect([get(wb, 'Data!B1'), get(wb, 'Data!C1'), get(wb, 'Data!D1')]).toEqual([20, 30, 35]);
  });

  it('agrees with a full recalculation after random edits', async () => {
    const rows = [...Array(30).keys()].map((i) => [i + 1, `=A${i + 1}*2`, i === 0 ? '=B1' : `=C${i}+B${i + 1}`, `=SUM($A$1:A${i + 1})`]);
    const { wb, edit } = sheetWith(rows);
    for (let i = 0; i < 20; i++) await edit.apply('write_cells', { range: `A${((i * 7) % 30) + 1}`, values: [[i * 3 - 5]] });
    const incremental = [...wb.sheets[0]!.cells.values()].map((c) => c.value);
    wb.calc.recalcAll();
    expect([...wb.sheets[0]!.cells.values()].map((c) => c.value)).toEqual(incremental);
  });

  it('refuses an edit that makes a circular reference and keeps the workbook as it was', async () => {
    const { wb, edit } = sheetWith([[1, '=A1+1', '=B1+1']]);
    expect(await refusal(edit.apply('set_formula', { cell: 'A1', formula: '=C1+1' }))).toBe('circular_reference');
    expect(wb.sheets[0]!.get(1, 1)?.formula).toBeUndefined();
    expect(get(wb, 'Data!A1')).toBe(1);
    expect(get(wb, 'Data!C1')).toBe(3);
    expect(await refusal(edit.apply('set_formula', { cell: 'D1', formula: '=D1' }))).toBe('circular_reference');
  });

  it('refuses formulas that do not parse, name unknown functions or unknown sheets', async () => {
    const { edit } = sheetWith([[1]]);
    expect(await refusal(edit.apply('set_formula', { cell: 'B1', formula: '=SUM(A1' }))).toBe('formula_error');
    expect(await refusal(edit.apply('set_formula', { cell: 'B1', formula: '=NOSUCHFN(A1)' }))).toBe('formula_error');
    expect(await refusal(edit.apply('set_formula', { cell: 'B1', formula: '=Nowhere!A1' }))).toBe('unknown_sheet');
  });

  it('shows formula errors as values: #DIV/0!, #REF!, #N/A', () => {
    const { wb } = sheetWith([[0, '=1/A1', '=SUM(#REF!)', '=MATCH(9,A1:A1,0)']]);
    expect([get(wb, 'Data!B1'), get(wb, 'Data!C1'), get(wb, 'Data!D1')]).toEqual([{ error: '#DIV/0!' }, { error: '#REF!' }, { error: '#N/A' }]);
  });

  it('fills the functions fast-formula-parser stubs from formulajs and fixes TRIM', () => {
    const { wb } = sheetWith([
      ['a', 1, '=SUMIFS(B1:B3,A1:A3,"a")', '=COUNTIFS(A1:A3,"a")', '=MAX(B1:B3)', '=TRIM("  x   y ")'],
      ['b', 5],
      ['a', 3],
    ]);
    expect(['C1', 'D1', 'E1', 'F1'].map((c) => get(wb, `Data!${c}`))).toEqual([4, 2, 5, 'x y']);
    expect(functionTable().fromFormulajs).toEqual(expect.arrayContaining(['SUMIFS', 'MATCH', 'MAX', 'COUNTIFS']));
  });
});

describe('functions', () => {
  it('reads INDEX over a range of another sheet on that sheet', () => {
    const { wb } = sheetWith([[1, 2, "=INDEX('Other sheet'!A1:B1,1,2)", '=INDEX(A1:B1,1,1)']]);
    expect([get(wb, 'Data!C1'), get(wb, 'Data!D1')]).toEqual([6, 1]);
  });

  it('has SUBSTITUTE (fast-formula-parser only stubs it)', () => {
    const { wb } = sheetWith([['=SUBSTITUTE("a-b-c","-","+")', '=SUBSTITUTE("a-b-c","-","+",2)', '=SUBSTITUTE("abc","","x")']]);
    expect(['A1', 'B1', 'C1'].map((c) => get(wb, `Data!${c}`))).toEqual(['a+b+c', 'a-b+c', 'abc']);
  });

  it('gives #VALUE! for text longer than a cell holds (32,767 characters), as Excel does', async () => {
    const { wb, edit } = sheetWith([['x'.repeat(20_000), '=LEN(REPT("x",32767))']]);
    await edit.apply('write_cells', { range: 'C1', values: [['=REPT("x",100000)', '=A1&A1', '=SUBSTITUTE(A1,"x","xx")', '=REPT("",1000000000000)']] });
    expect(['B1', 'C1', 'D1', 'E1', 'F1'].map((c) => get(wb, `Data!${c}`))).toEqual([
      32_767,
      { error: '#VALUE!' },
      { error: '#VALUE!' },
      { error: '#VALUE!' },
      '',
    ]);
    expect(await refusal(edit.apply('write_cells', { range: 'G1', values: [['y'.repeat(32_768)]] }))).toBe('too_large');
  });

  it("holds functions whose output size an argument sets to Excel's limits", () => {
    const { wb } = sheetWith([['=DEC2BIN(1,1000000000)', '=BASE(1,2,1000000000)', '=FIXED(1,1000000000)', '=DEC2BIN(5,8)']]);
    expect(['A1', 'B1', 'C1', 'D1'].map((c) => get(wb, `Data!${c}`))).toEqual([{ error: '#NUM!' }, { error: '#NUM!' }, { error: '#NUM!' }, '00000101']);
  });
});

describe('compute budget', () => {
  const cellsOf = (wb: Workbook) => [...wb.sheets[0]!.cells.keys()].length;

  it('refuses an edit whose recalculation reads too many cells and rolls it back', async () => {
    const { wb, edit } = sheetWith([[1, 2]], UNHURRIED_MS);
    await edit.apply('write_cells', { range: 'N10000', values: [[1]] });
    await edit.apply('set_formula', { cell: 'P1', formula: '=SUMPRODUCT($A$1:$N$10000)' });
    expect(get(wb, 'Data!P1')).toBe(4);
    const before = cellsOf(wb);
    expect(await refusal(edit.apply('fill', { source: 'P1', target: 'P2:P1000' }))).toBe('compute_budget');
    expect([cellsOf(wb), get(wb, 'Data!P2')]).toEqual([before, null]);
    // The workbook goes on working, its one formula included.
    await edit.apply('write_cells', { range: 'A1', values: [[10]] });
    expect(get(wb, 'Data!P1')).toBe(13);
  });

  it('refuses one formula that reads more than a formula may', async () => {
    const { wb, edit } = sheetWith([[1]], UNHURRIED_MS);
    expect(await refusal(edit.apply('set_formula', { cell: 'A1', formula: '=SUM(A2:IV3001)' }))).toBe('compute_budget');
    expect(wb.sheets[0]!.get(1, 1)).toEqual({ value: 1 });
  });

  it("refuses edits that would make the workbook's formulas cost more than a full recalculation may", async () => {
    const { wb, edit } = sheetWith([[1]], UNHURRIED_MS);
    const refusals: (string | undefined)[] = [];
    for (let i = 1; i <= 6; i++) refusals.push(await refusal(edit.apply('set_formula', { cell: `B${i}`, formula: '=SUM(C1:AL10000)' })));
    // Each formula reads 360,000 cells: five fit the workbook's 2,000,000, the sixth does not.
    expect(refusals).toEqual([undefined, undefined, undefined, undefined, undefined, 'compute_budget']);
    expect(wb.calc.totalCost).toBeLessThanOrEqual(2_000_000);
  });

  it('stops whole-column ranges at the last used row of their own columns', async () => {
    const { wb, edit } = sheetWith([[1, 2, 3]], UNHURRIED_MS);
    await edit.apply('write_cells', { range: 'A10000', values: [[1]] });
    // 2,000 formulas over B:C read 2 cells each; were B:C cut at the sheet's last row, 20,000 each.
    await edit.apply('set_formula', { cell: 'E1', formula: '=SUM(B:C)' });
    await edit.apply('fill', { source: 'E1', target: 'E2:E2000' });
    expect(get(wb, 'Data!E2000')).toBe(5);
  });

  it('interrupts a slice that runs past its time limit and rolls the edit back', async () => {
    const { wb, edit } = sheetWith([[1]]);
    expect(await refusal(edit.apply('set_formula', { cell: 'B1', formula: '=BESSELJ(1,1000000000000)' }))).toBe('compute_budget');
    expect(wb.sheets[0]!.get(1, 2)).toBeUndefined();
    await edit.apply('set_formula', { cell: 'B1', formula: '=A1*2' });
    expect(get(wb, 'Data!B1')).toBe(2);
  });
});

describe('structural edits', () => {
  it('keeps formulas pointing at the same data when rows are inserted, deleted or sorted', async () => {
    const { wb, edit } = sheetWith([[3], [1], [2], ['=SUM(A1:A3)', '=A2*10']]);
    await edit.apply('insert_rows', { sheet: 'Data', row: 2, count: 2 });
    expect(wb.sheets[0]!.get(6, 1)).toMatchObject({ formula: 'SUM(A1:A5)', value: 6 });
    expect(wb.sheets[0]!.get(6, 2)).toMatchObject({ formula: 'A4*10', value: 10 });
    await edit.apply('delete_rows', { sheet: 'Data', row: 4 });
    expect(wb.sheets[0]!.get(5, 2)).toMatchObject({ formula: '#REF!*10', value: { error: '#REF!' } });
    await edit.apply('sort', { range: 'A1:A4', keys: [{ column: 'A', order: 'desc' }] });
    expect([1, 2, 3, 4].map((r) => get(wb, `Data!A${r}`))).toEqual([3, 2, null, null]);
  });

  it('moves columns like rows, says what it inserted or deleted and where to look, and shows deleted references as #REF!', async () => {
    const { wb, edit } = sheetWith([[1, 2, 3, '=A1+C1', '=B1']]);
    const data = wb.sheets[0]!;
    expect(await edit.apply('insert_columns', { sheet: 'Data', column: 'B', count: 2 })).toEqual({
      text: 'inserted columns B-C on Data',
      focus: { sheet: data, row: 1 },
    });
    expect(data.get(1, 6)).toMatchObject({ formula: 'A1+E1', value: 4 });
    expect(await edit.apply('delete_columns', { sheet: 'Data', column: 'D' })).toEqual({ text: 'deleted column D on Data', focus: { sheet: data, row: 1 } });
    expect(data.get(1, 5)).toMatchObject({ formula: 'A1+D1', value: 4 });
    expect(data.get(1, 6)).toMatchObject({ formula: '#REF!', value: { error: '#REF!' } });
    expect(await edit.apply('insert_rows', { sheet: 'Data', row: 5 })).toEqual({ text: 'inserted row 5 on Data', focus: { sheet: data, row: 3 } });
    expect(await edit.apply('delete_rows', { sheet: 'Data', row: 2, count: 3 })).toEqual({ text: 'deleted rows 2-4 on Data', focus: { sheet: data, row: 1 } });
    expect(data.get(1, 5)).toMatchObject({ formula: 'A1+D1', value: 4 });
  });

  it('refuses to push cells past the last row or column, and leaves the sheet as it was', async () => {
    const { wb, edit } = sheetWith([[1]]);
    await edit.apply('write_cells', { range: `B${MAX_ROWS - 1}`, values: [[2]] });
    await edit.apply('write_cells', { range: `${columnName(MAX_COLS)}1`, values: [[3]] });
    expect(await refusal(edit.apply('insert_rows', { sheet: 'Data', row: 3, count: 2 }))).toBe('too_large');
    expect(await refusal(edit.apply('insert_columns', { sheet: 'Data', column: 'B' }))).toBe('too_large');
    expect(await refusal(edit.apply('insert_rows', { sheet: 'Data', row: MAX_ROWS + 1 }))).toBe('bad_reference');
    expect([get(wb, 'Data!A1'), get(wb, `Data!B${MAX_ROWS - 1}`), get(wb, `Data!${columnName(MAX_COLS)}1`)]).toEqual([1, 2, 3]);
    await edit.apply('insert_rows', { sheet: 'Data', row: 3 });
    expect(get(wb, `Data!B${MAX_ROWS}`)).toBe(2);
  });
});

describe('xlsx', () => {
  it('round-trips values, formulas, errors, dates and formats', async () => {
    const wb = buildWorkbook([
      {
        name: 'Data',
        rows: [['text', 2.5, '=B1*2', '=1/0', 45322, true]],
        formats: [{ range: 'E1', format: { numFmt: 'yyyy-mm-dd', bold: true, fill: 'FFFF00' } }],
      },
    ]);
    const back = await readXlsx(await writeXlsx(wb));
    expect(back.sheets.map((s) => s.name)).toEqual(['Data']);
    const cells = [...Array(6).keys()].map((i) => back.sheets[0]!.get(1, i + 1));
    expect(cells.map((c) => c?.value)).toEqual(['text', 2.5, 5, { error: '#DIV/0!' }, 45322, true]);
    expect(cells[2]?.formula).toBe('B1*2');
    expect(cells[4]?.format).toEqual({ numFmt: 'yyyy-mm-dd', bold: true, fill: 'FFFF00' });
  });

  it('refuses bytes that are not an xlsx file', async () => {
    await expect(readXlsx(Buffer.from('not a zip'))).rejects.toMatchObject({ kind: 'bad_workbook' });
    expect(new Workbook().sheets).toEqual([]);
  });
});
