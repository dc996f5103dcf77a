import { describe, expect, it } from 'vitest';
import { ActionError } from '@workgym/protocol';
import { buildWorkbook, functionTable, parseRange, readXlsx, Workbook, WorkbookEditor, writeXlsx } from '../src/index.js';
import { adjustForStructure, formulaRefs, shiftFormula } from '../src/engine/formula-refs.js';
import { get } from '../src/tasks/helpers.js';

function sheetWith(rows: (string | number | null)[][]) {
  const wb = buildWorkbook([{ name: 'Data', rows }, { name: 'Other sheet', rows: [[5, 6]] }]);
  return { wb, edit: new WorkbookEditor(wb, wb.sheets[0]!) };
}

function kindOf(fn: () => unknown): string | undefined {
  try {
    fn();
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
    expect(adjustForStructure('SUM(A2:A10)+A5', 'row', 3, 2, all)).toBe('SUM(A2:A12)+A7');
    expect(adjustForStructure('SUM(A2:A10)+A5', 'row', 4, -3, all)).toBe('SUM(A2:A7)+#REF!');
  });
});

describe('recalculation', () => {
  it('recalculates dependents through chains and ranges after an edit', () => {
    const { wb, edit } = sheetWith([[1, '=A1*2', '=SUM(A1:B1)', "='Other sheet'!A1+C1"]]);
    expect(get(wb, 'Data!D1')).toBe(5 + 3);
    edit.apply('write_cells', { range: 'A1', values: [[10]] });
    expect([get(wb, 'Data!B1'), get(wb, 'Data!C1'), get(wb, 'Data!D1')]).toEqual([20, 30, 35]);
  });

  it('agrees with a full recalculation after random edits', () => {
    const rows = [...Array(30).keys()].map((i) => [i + 1, `=A${i + 1}*2`, i === 0 ? '=B1' : `=C${i}+B${i + 1}`, `=SUM($A$1:A${i + 1})`]);
    const { wb, edit } = sheetWith(rows);
    for (let i = 0; i < 20; i++) edit.apply('write_cells', { range: `A${((i * 7) % 30) + 1}`, values: [[i * 3 - 5]] });
    const incremental = [...wb.sheets[0]!.cells.values()].map((c) => c.value);
    wb.calc.recalcAll();
    expect([...wb.sheets[0]!.cells.values()].map((c) => c.value)).toEqual(incremental);
  });

  it('refuses an edit that makes a circular reference and keeps the workbook as it was', () => {
    const { wb, edit } = sheetWith([[1, '=A1+1', '=B1+1']]);
    expect(kindOf(() => edit.apply('set_formula', { cell: 'A1', formula: '=C1+1' }))).toBe('circular_reference');
    expect(wb.sheets[0]!.get(1, 1)?.formula).toBeUndefined();
    expect(get(wb, 'Data!A1')).toBe(1);
    expect(get(wb, 'Data!C1')).toBe(3);
    expect(kindOf(() => edit.apply('set_formula', { cell: 'D1', formula: '=D1' }))).toBe('circular_reference');
  });

  it('refuses formulas that do not parse, name unknown functions or unknown sheets', () => {
    const { edit } = sheetWith([[1]]);
    expect(kindOf(() => edit.apply('set_formula', { cell: 'B1', formula: '=SUM(A1' }))).toBe('formula_error');
    expect(kindOf(() => edit.apply('set_formula', { cell: 'B1', formula: '=NOSUCHFN(A1)' }))).toBe('formula_error');
    expect(kindOf(() => edit.apply('set_formula', { cell: 'B1', formula: '=Nowhere!A1' }))).toBe('unknown_sheet');
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

describe('structural edits', () => {
  it('keeps formulas pointing at the same data when rows are inserted, deleted or sorted', () => {
    const { wb, edit } = sheetWith([[3], [1], [2], ['=SUM(A1:A3)', '=A2*10']]);
    edit.apply('insert_rows', { sheet: 'Data', row: 2, count: 2 });
    expect(wb.sheets[0]!.get(6, 1)).toMatchObject({ formula: 'SUM(A1:A5)', value: 6 });
    expect(wb.sheets[0]!.get(6, 2)).toMatchObject({ formula: 'A4*10', value: 10 });
    edit.apply('delete_rows', { sheet: 'Data', row: 4 });
    expect(wb.sheets[0]!.get(5, 2)).toMatchObject({ formula: '#REF!*10', value: { error: '#REF!' } });
    edit.apply('sort', { range: 'A1:A4', keys: [{ column: 'A', order: 'desc' }] });
    expect([1, 2, 3, 4].map((r) => get(wb, `Data!A${r}`))).toEqual([3, 2, null, null]);
  });
});

describe('xlsx', () => {
  it('round-trips values, formulas, errors, dates and formats', async () => {
    const wb = buildWorkbook([
      { name: 'Data', rows: [['text', 2.5, '=B1*2', '=1/0', 45322, true]], formats: [{ range: 'E1', format: { numFmt: 'yyyy-mm-dd', bold: true, fill: 'FFFF00' } }] },
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
