import { describe, expect, it } from 'vitest';
import { canonicalJson, diffStates, type StateSnapshot } from '@workgym/protocol/kit';
import { readXlsx } from '../src/engine/xlsx.js';
import { SpreadsheetEnv } from '../src/index.js';
import { SpreadsheetSession } from '../src/session.js';
import { workbookState } from '../src/state.js';
import { buildWorkbook } from '../src/tasks/build-workbook.js';
import { rawXlsx } from './raw-xlsx.js';

const signal = new AbortController().signal;

const changedKeys = (before: StateSnapshot, after: StateSnapshot) => diffStates(before, after).map((c) => c.key);

/** A session of a generated family with its state and one-call steps. */
async function session(family = 'spreadsheet/computed-column', seed = 1) {
  const env = new SpreadsheetEnv();
  const s = await env.reset({ family, seed, split: 'train', options: {} }, signal);
  let id = 0;
  return {
    state: () => s.state!(),
    step: (name: string, args: Record<string, unknown>) => s.step({ id: `c${++id}`, name, arguments: args }, signal),
    close: () => env.close(),
  };
}

describe('the spreadsheet session state', () => {
  it('is the same twice on an untouched session and after reads, and holds every sheet and cell of the workbook', async () => {
    const s = await session();
    const first = await s.state();
    expect(await s.state()).toEqual(first);
    await s.step('list_sheets', {});
    await s.step('read_range', { range: 'A1:D5' });
    expect(await s.state()).toEqual(first);
    expect(first['sheet:Items']).toBe(canonicalJson({ index: 0 }));
    expect(JSON.parse(first['cell:Items!A1']!)).toEqual({ value: 'Item' });
    expect(JSON.parse(first['cell:Items!D2']!)).toMatchObject({ format: { numFmt: '0%' } });
    await s.close();
  });

  it('shows a written cell, a formula, a format, a cleared cell and a new sheet, each under its own key', async () => {
    const s = await session();
    const start = await s.state();
    await s.step('write_cells', { range: 'Items!Z40', values: [[7]] });
    const written = await s.state();
    expect(changedKeys(start, written)).toEqual(['cell:Items!Z40']);
    expect(written['cell:Items!Z40']).toBe(canonicalJson({ value: 7 }));

    await s.step('set_formula', { cell: 'Items!Z41', formula: '=Z40*2' });
    expect(JSON.parse((await s.state())['cell:Items!Z41']!)).toEqual({ value: 14, formula: 'Z40*2' });

    const beforeFormat = await s.state();
    await s.step('set_format', { range: 'Items!A2', fill_color: '#ffff00' });
    await s.step('set_format', { range: 'Items!Y1', number_format: '0.00' });
    const formatted = await s.state();
    expect(changedKeys(beforeFormat, formatted)).toEqual(['cell:Items!A2', 'cell:Items!Y1']);
    expect(JSON.parse(formatted['cell:Items!A2']!).format).toEqual({ fill: 'FFFF00' });

    await s.step('create_sheet', { name: 'Scratch pad' });
    expect(changedKeys(formatted, await s.state())).toEqual(["sheet:'Scratch pad'"]);

    // An agent that cleans up after itself (a scratch formula, a fill taken back) leaves the snapshot as it found it.
    const done = await s.state();
    await s.step('set_formula', { cell: 'Items!Z1', formula: '=COUNT(B:B)' });
    await s.step('write_cells', { range: 'Items!Z1', values: [[null]] });
    await s.step('set_format', { range: 'Items!A2', fill_color: 'none' });
    const cleaned = await s.state();
    expect(changedKeys(done, cleaned)).toEqual(['cell:Items!A2']);
    expect(cleaned['cell:Items!A2']).toBe(start['cell:Items!A2']);
    await s.close();
  });

  it('shows a renamed sheet as its old keys gone and new ones there, and a moved sheet by its index', () => {
    const wb = buildWorkbook([
      {
        name: 'Sales',
        rows: [
          ['Month', 'Revenue'],
          ['Jan', 10],
        ],
      },
      { name: 'Notes', rows: [['x']] },
    ]);
    const before = workbookState(wb);
    wb.sheet('Sales')!.name = 'Revenue';
    const renamed = workbookState(wb);
    expect(changedKeys(before, renamed)).toEqual([
      'cell:Revenue!A1',
      'cell:Revenue!A2',
      'cell:Revenue!B1',
      'cell:Revenue!B2',
      'cell:Sales!A1',
      'cell:Sales!A2',
      'cell:Sales!B1',
      'cell:Sales!B2',
      'sheet:Revenue',
      'sheet:Sales',
    ]);
    wb.sheets.reverse();
    expect(changedKeys(renamed, workbookState(wb))).toEqual(['sheet:Notes', 'sheet:Revenue']);
  });

  it("holds a file's defined names", async () => {
    const rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>Rate</t></is></c></row><row r="2"><c r="A2"><v>0.2</v></c></row>';
    const wb = await readXlsx(
      await rawXlsx({
        sheets: [{ name: 'Settings', rows }],
        workbookAfter: '<definedNames><definedName name="TaxRate">Settings!$A$2</definedName></definedNames>',
      }),
    );
    expect(workbookState(wb)['name:TaxRate']).toBe(canonicalJson({ formula: 'Settings!$A$2' }));
  });

  it("expects changes only inside the task's declared ranges and the sheets they lie on, and touches a key as a call would", async () => {
    const wb = buildWorkbook([
      {
        name: 'Items',
        rows: [
          ['Item', 'Qty'],
          ['Pen', 3],
          ['Ink', 5],
        ],
      },
      { name: 'Other sheet', rows: [['kept']] },
    ]);
    const session = new SpreadsheetSession(
      {
        instruction: 'Write Total in C1 and each row total below it; columns E and after are free for scratch work.',
        focus: 'Items',
        question: false,
        seed: 1,
        strategies: [],
        expert: () => {
          throw new Error('no expert in this test');
        },
        distractors: [],
        verify: () => {
          throw new Error('not verified in this test');
        },
        changes: ['Items!C1:C3', 'Items!E:IV', 'Report!A1:B2'],
      },
      wb,
    );
    const expected = ['cell:Items!C2', 'cell:Items!E1', 'cell:Items!IV9000', 'sheet:Report', 'cell:Report!B2', 'sheet:Items'];
    const unexpected = ['cell:Items!B2', 'cell:Items!C4', 'cell:Items!D1', 'cell:Report!C1', "cell:'Other sheet'!A1", "sheet:'Other sheet'", 'name:TaxRate'];
    for (const key of expected) expect(session.expectsChange(key), key).toBe(true);
    for (const key of unexpected) expect(session.expectsChange(key), key).toBe(false);

    const start = await session.state();
    await session.touch('cell:Items!B2');
    const touched = await session.state();
    expect(changedKeys(start, touched)).toEqual(['cell:Items!B2']);
    expect(JSON.parse(touched['cell:Items!B2']!)).toEqual({ value: 4 });
    await session.touch("cell:'Other sheet'!A1");
    expect(JSON.parse((await session.state())["cell:'Other sheet'!A1"]!)).toEqual({ value: 'kept (edited)' });
    // No tool edits a sheet's key in place: touching it moves every cell on the sheet down a row.
    const beforeSheet = await session.state();
    await session.touch('sheet:Items');
    const moved = await session.state();
    expect(moved['cell:Items!A2']).toBe(beforeSheet['cell:Items!A1']);
    expect(moved['cell:Items!A1']).toBeUndefined();
    await session.close();
  });
});
