import { describe, expect, it } from 'vitest';
import type { Cell } from '../src/engine/values.js';
import { Workbook } from '../src/engine/workbook.js';
import { parseAnswerPosition } from '../src/spreadsheetbench/answer-position.js';
import { compareAnswer, pythonFloat, pythonRound, sameAsBenchmark } from '../src/spreadsheetbench/compare.js';

describe('answer positions as the released data spells them', () => {
  it('reads quoted sheets, several ranges separated by commas', () => {
    expect(parseAnswerPosition("'Sheet1'!A2:B19,'Sheet1'!D2:D19")).toMatchObject([
      { sheet: 'Sheet1', top: 2, left: 1, bottom: 19, right: 2 },
      { sheet: 'Sheet1', top: 2, left: 4, bottom: 19, right: 4 },
    ]);
  });

  it("reads the quote after the '!' ('Sheet1!'A2:B19)", () => {
    expect(parseAnswerPosition("'Sheet1!'A2:B19,'Sheet3!'A2:D11'")).toMatchObject([
      { sheet: 'Sheet1', top: 2, left: 1, bottom: 19, right: 2 },
      { sheet: 'Sheet3', top: 2, left: 1, bottom: 11, right: 4 },
    ]);
  });

  it('reads an unbalanced quote and a sheet name with spaces', () => {
    expect(parseAnswerPosition("Updated Data'!B5:B9")).toMatchObject([{ sheet: 'Updated Data', top: 5, left: 2, bottom: 9, right: 2 }]);
    expect(parseAnswerPosition("'Sea Freight Rates'!H2:H191")).toMatchObject([{ sheet: 'Sea Freight Rates', top: 2, bottom: 191 }]);
  });

  it('reads a single cell and a range without a sheet (the answer file’s first sheet)', () => {
    const [cell] = parseAnswerPosition('C2');
    expect(cell).toMatchObject({ top: 2, left: 3, bottom: 2, right: 3 });
    expect(cell!.sheet).toBeUndefined();
    expect(parseAnswerPosition('A14:I137')[0]).toMatchObject({ top: 14, left: 1, bottom: 137, right: 9 });
  });

  it('reads whole columns and ranges past the env’s size cap without refusing them', () => {
    expect(parseAnswerPosition("'Sheet1'!$G:$H")).toMatchObject([{ sheet: 'Sheet1', top: 1, left: 7, bottom: Infinity, right: 8 }]);
    expect(parseAnswerPosition('A1:B2000000')).toMatchObject([{ top: 1, bottom: 2_000_000 }]);
  });

  it('refuses what names no cells, saying what it expected', () => {
    expect(() => parseAnswerPosition('Sheet1!total')).toThrow('answer position part "Sheet1!total" is not a cell, a range or whole columns (A2, A2:B19, G:G)');
    expect(() => parseAnswerPosition(' , ')).toThrow('names no cells');
  });
});

const cell = (value: Cell['value'], numFmt?: string): Cell => ({ value, ...(numFmt ? { format: { numFmt } } : {}) });

describe("the benchmark's cell comparison", () => {
  it('compares numbers and number-like text to 2 decimals, Python-rounded', () => {
    expect(sameAsBenchmark(cell(1.004), cell(1))).toBe(true);
    expect(sameAsBenchmark(cell(1.006), cell(1))).toBe(false);
    expect(sameAsBenchmark(cell('00123'), cell(123))).toBe(true);
    expect(sameAsBenchmark(cell(' 1_000.5 '), cell(1000.5))).toBe(true);
    expect(sameAsBenchmark(cell('12a'), cell(12))).toBe(false);
    expect(pythonRound(0.125, 2)).toBe(0.12);
    expect(pythonRound(0.375, 2)).toBe(0.38);
    expect(pythonRound(2.675, 2)).toBe(2.67);
    expect(pythonRound(2.5, 0)).toBe(2);
    expect(pythonFloat('1e3')).toBe(1000);
    expect(pythonFloat('-inf')).toBe(-Infinity);
    expect(pythonFloat('1,000')).toBeUndefined();
  });

  it('tells 0 and FALSE from an empty cell, and (as Python does) counts FALSE as 0', () => {
    expect(sameAsBenchmark(undefined, cell(0))).toBe(false);
    expect(sameAsBenchmark(undefined, cell(false))).toBe(false);
    expect(sameAsBenchmark(cell(false), cell(0))).toBe(true);
    expect(sameAsBenchmark(cell(true), cell(true))).toBe(true);
  });

  it('treats empty text as a missing cell, and text of another kind as different', () => {
    expect(sameAsBenchmark(cell(''), undefined)).toBe(true);
    expect(sameAsBenchmark(cell(null), cell(''))).toBe(true);
    expect(sameAsBenchmark(cell('a'), undefined)).toBe(false);
    expect(sameAsBenchmark(cell('Total'), cell('total'))).toBe(false);
  });

  it('compares dates by day and times as HH:MM', () => {
    expect(sameAsBenchmark(cell(45000.2, 'yyyy-mm-dd'), cell(45000, 'd/m/yyyy'))).toBe(true);
    expect(sameAsBenchmark(cell(45000.7, 'yyyy-mm-dd'), cell(45000, 'yyyy-mm-dd'))).toBe(false);
    expect(sameAsBenchmark(cell(45000, 'yyyy-mm-dd'), cell(45000))).toBe(true);
    expect(sameAsBenchmark(cell(0.5, 'hh:mm'), cell(0.5 + 20 / 86_400, 'h:mm:ss'))).toBe(true);
    expect(sameAsBenchmark(cell(0.5, 'hh:mm'), cell(0.5 + 60 / 86_400, 'h:mm:ss'))).toBe(false);
    expect(sameAsBenchmark(cell(0.5, 'hh:mm'), cell(0.5, 'h:mm AM/PM'))).toBe(true);
    expect(sameAsBenchmark(cell(0.5, 'hh:mm'), cell('12:00'))).toBe(true);
    expect(sameAsBenchmark(cell(0.5, 'hh:mm'), cell(0.5))).toBe(false);
  });

  it('compares errors as their text', () => {
    expect(sameAsBenchmark(cell({ error: '#N/A' }), cell('#N/A'))).toBe(true);
    expect(sameAsBenchmark(cell({ error: '#N/A' }), cell({ error: '#REF!' }))).toBe(false);
  });

  it('compares the cells of whole columns that either workbook holds, in order, and a missing sheet', () => {
    const got = new Workbook();
    const want = new Workbook();
    const g = got.addSheet('S');
    const w = want.addSheet('S');
    got.writeNow([
      { sheet: g, row: 1, col: 2, cell: { value: 1 } },
      { sheet: g, row: 9000, col: 2, cell: { value: 'stray' } },
    ]);
    want.writeNow([
      { sheet: w, row: 1, col: 2, cell: { value: 1 } },
      { sheet: w, row: 5, col: 2, cell: { value: 0 } },
    ]);
    expect(compareAnswer(got, want, parseAnswerPosition('B:B'))).toEqual([
      { where: 'S!B5', got: '', want: '0' },
      { where: 'S!B9000', got: 'stray', want: '' },
    ]);
    expect(compareAnswer(got, want, parseAnswerPosition("'Other'!A1"))).toEqual([{ where: 'Other!', got: 'no such sheet', want: 'no such sheet' }]);
  });
});
