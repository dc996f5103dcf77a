import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { buildWorkbook, readXlsx, WorkbookEditor, writeXlsx, type Workbook } from '../src/engine/index.js';
import { adjustForStructure, shiftFormula } from '../src/engine/formula-refs.js';
import { showCell } from '../src/render.js';
import { rawXlsx, REL_TYPES } from './raw-xlsx.js';

// Workbooks from outside (SpreadsheetBench answer files, Excel and openpyxl output) read as Excel
// and openpyxl show them, and an engine that never destroys what it cannot compute.

/** What exceljs reads of a file, or the message it throws. */
async function exceljsRead(bytes: Buffer): Promise<ExcelJS.Workbook | string> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    return book;
  } catch (error) {
    return (error as Error).message;
  }
}

const valueAt = (wb: Workbook, sheet: string, row: number, col: number) => wb.requireSheet(sheet).get(row, col)?.value ?? null;

describe('reading cached values', () => {
  // What Excel stores for formulas whose results are 0, FALSE, an error and an empty string.
  const rows =
    '<row r="1"><c r="A1"><v>5</v></c><c r="B1"><f>A1*0</f><v>0</v></c><c r="C1" t="b"><f>A1&gt;9</f><v>0</v></c>' +
    '<c r="D1" t="e"><f>A1/0</f><v>#DIV/0!</v></c><c r="E1" t="e"><f>NA()</f><v>#N/A</v></c><c r="F1" t="str"><f>""</f><v></v></c>' +
    '<c r="G1" t="b"><f>A1&lt;9</f><v>1</v></c></row>';

  it('reads 0, FALSE, errors and empty strings exactly, which exceljs drops', async () => {
    const bytes = await rawXlsx({ sheets: [{ name: 'S', rows }] });
    const exceljs = await exceljsRead(bytes);
    if (typeof exceljs === 'string') throw new Error(exceljs);
    expect(exceljs.worksheets[0]!.getCell('B1').value).toEqual({ formula: 'A1*0' });
    expect(exceljs.worksheets[0]!.getCell('C1').value).toEqual({ formula: 'A1>9' });

    const wb = await readXlsx(bytes, { recalc: false });
    expect([2, 3, 4, 5, 6, 7].map((c) => valueAt(wb, 'S', 1, c))).toEqual([0, false, { error: '#DIV/0!' }, { error: '#N/A' }, '', true]);
    expect(wb.requireSheet('S').get(1, 2)?.formula).toBe('A1*0');
    expect(wb.cachedCells()).toEqual([]);
  });

  it('keeps them through the env writing the file and reading it back', async () => {
    const wb = buildWorkbook([{ name: 'S', rows: [[5, '=A1*0', '=A1>9', '=A1/0', '=""']] }]);
    const back = await readXlsx(await writeXlsx(wb), { recalc: false });
    expect([2, 3, 4, 5].map((c) => valueAt(back, 'S', 1, c))).toEqual([0, false, { error: '#DIV/0!' }, '']);
  });
});

describe('dates', () => {
  it('of a 1904-system workbook (Mac Excel) read as the same days as in a 1900-system one', async () => {
    const bytes = await rawXlsx({
      sheets: [{ name: 'S', rows: '<row r="1"><c r="A1" s="1"><v>43830</v></c><c r="B1" s="2"><v>0.5</v></c><c r="C1"><v>43830</v></c></row>' }],
      workbookAfter: '<workbookPr date1904="1"/>',
      styles: '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="20"/></cellXfs>',
    });
    const wb = await readXlsx(bytes);
    // 43830 days after 1904-01-01 is 2024-01-01; a time of day and a plain number do not move.
    expect([1, 2, 3].map((c) => valueAt(wb, 'S', 1, c))).toEqual([45292, 0.5, 43830]);
    expect(wb.requireSheet('S').get(1, 1)?.format).toEqual({ numFmt: 'mm-dd-yy' });
  });
});

describe('merged ranges', () => {
  it('hold their value in the top-left cell only (exceljs copies it into every cell)', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('S');
    ws.getCell('A1').value = 'Region';
    ws.mergeCells('A1:C2');
    ws.getCell('A3').value = 7;
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const exceljs = await exceljsRead(bytes);
    if (typeof exceljs === 'string') throw new Error(exceljs);
    expect(exceljs.worksheets[0]!.getCell('C2').value).toBe('Region');

    const wb = await readXlsx(bytes);
    expect(valueAt(wb, 'S', 1, 1)).toBe('Region');
    for (const [row, col] of [
      [1, 2],
      [1, 3],
      [2, 1],
      [2, 3],
    ] as const)
      expect(valueAt(wb, 'S', row, col)).toBeNull();
    expect(valueAt(wb, 'S', 3, 1)).toBe(7);
  });

  it('drop values a writer left in covered cells, as Excel and openpyxl show them empty', async () => {
    const bytes = await rawXlsx({
      sheets: [
        {
          name: 'S',
          rows: '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c></row>',
          after: '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>',
        },
      ],
    });
    const wb = await readXlsx(bytes);
    expect([valueAt(wb, 'S', 1, 1), valueAt(wb, 'S', 1, 2)]).toEqual([1, null]);
  });
});

describe('number-like text', () => {
  it('stays text when read from a file and when written back', async () => {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('S');
    ws.getCell('A1').value = '00123';
    ws.getCell('A2').value = '1e3';
    const wb = await readXlsx(Buffer.from(await book.xlsx.writeBuffer()));
    expect([valueAt(wb, 'S', 1, 1), valueAt(wb, 'S', 2, 1)]).toEqual(['00123', '1e3']);
    const back = await readXlsx(await writeXlsx(wb));
    expect([valueAt(back, 'S', 1, 1), valueAt(back, 'S', 2, 1)]).toEqual(['00123', '1e3']);
  });

  it('reads inline strings and formula text results as text', async () => {
    const bytes = await rawXlsx({
      sheets: [{ name: 'S', rows: '<row r="1"><c r="A1" t="inlineStr"><is><t>00123</t></is></c><c r="B1" t="str"><f>A1&amp;""</f><v>00123</v></c></row>' }],
    });
    const wb = await readXlsx(bytes, { recalc: false });
    expect([valueAt(wb, 'S', 1, 1), valueAt(wb, 'S', 1, 2)]).toEqual(['00123', '00123']);
  });

  it('typed through the tools follows Excel: a number, unless it starts with an apostrophe or the cell is formatted as text', async () => {
    const wb = buildWorkbook([{ name: 'S', rows: [[]], formats: [{ range: 'C1', format: { numFmt: '@' } }] }]);
    const editor = new WorkbookEditor(wb, wb.sheets[0]!);
    await editor.apply('write_cells', { range: 'A1', values: [['00123', "'00123", '00123', "'tis"]] });
    expect([1, 2, 3, 4].map((c) => valueAt(wb, 'S', 1, c))).toEqual([123, '00123', '00123', 'tis']);
    const back = await readXlsx(await writeXlsx(wb));
    expect([1, 2, 3].map((c) => valueAt(back, 'S', 1, c))).toEqual([123, '00123', '00123']);
  });
});

describe('workbooks exceljs cannot open', () => {
  it('reads a sheet whose drawing exceljs cannot place (it throws reading "anchors")', async () => {
    const bytes = await rawXlsx({
      sheets: [
        {
          name: 'Chart data',
          rows: '<row r="1"><c r="A1"><v>4</v></c><c r="B1"><f>A1*2</f><v>8</v></c></row>',
          after: '<drawing r:id="rId1"/>',
          rels: { rId1: { type: REL_TYPES.drawing, target: '../drawings/drawing1.xml' } },
        },
      ],
    });
    expect(await exceljsRead(bytes)).toMatch(/reading 'anchors'/);
    const wb = await readXlsx(bytes);
    expect([valueAt(wb, 'Chart data', 1, 1), valueAt(wb, 'Chart data', 1, 2)]).toEqual([4, 8]);
  });

  it('reads a workbook whose table part exceljs cannot find (it throws reading "name"), and its table', async () => {
    const table =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><table xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" id="1" name="Sales" displayName="Sales" ref="A1:B3">' +
      '<tableColumns count="2"><tableColumn id="1" name="Item"/><tableColumn id="2" name="Qty"/></tableColumns></table>';
    const bytes = await rawXlsx({
      strings: ['Item', 'Qty', 'pen', 'ink'],
      sheets: [
        {
          name: 'S',
          rows:
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>3</v></c></row>' +
            '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>4</v></c></row><row r="5"><c r="B5"><f>SUM(Sales[Qty])</f><v>0</v></c></row>',
          after: '<tableParts count="1"><tablePart r:id="rId1"/></tableParts>',
          rels: { rId1: { type: REL_TYPES.table, target: '/xl/tables/table1.xml' } },
        },
      ],
      workbookAfter: '<definedNames><definedName name="Unused"></definedName></definedNames>',
      parts: { 'xl/tables/table1.xml': table },
    });
    expect(await exceljsRead(bytes)).toMatch(/reading 'name'/);
    const wb = await readXlsx(bytes);
    expect(valueAt(wb, 'S', 5, 2)).toBe(7);
    expect(wb.tables.map((t) => [t.name, t.columns])).toEqual([['Sales', ['Item', 'Qty']]]);
  });

  it('refuses a file that is no workbook with one line naming the part', async () => {
    await expect(readXlsx(await rawXlsx({ sheets: [], parts: { 'xl/workbook.xml': '<workbook><sheets>' } }))).rejects.toMatchObject({
      kind: 'bad_workbook',
      message: expect.stringMatching(/^not a readable \.xlsx file: xl\/workbook\.xml: not well-formed XML/),
    });
  });
});

describe('formulas the engine cannot compute', () => {
  const rows =
    '<row r="1"><c r="A1"><v>3</v></c><c r="B1"><f>_xlfn.LET(x,2,x*A1)</f><v>6</v></c><c r="C1"><f>B1+1</f><v>7</v></c>' +
    '<c r="D1"><f t="array" ref="D1">SUM(A1:A2*A1:A2)</f><v>13</v></c><c r="E1"><f>[1]Prices!A1</f><v>42</v></c><c r="F1"><f>NOSUCH(A1)</f></c></row>' +
    '<row r="2"><c r="A2"><v>2</v></c></row>';

  it('keep the value the file stored, marked cached, and dependents compute from it', async () => {
    const wb = await readXlsx(await rawXlsx({ sheets: [{ name: 'S', rows }] }));
    expect([2, 3, 4, 5].map((c) => valueAt(wb, 'S', 1, c))).toEqual([6, 7, 13, 42]);
    // Nothing stored: nothing to keep.
    expect(valueAt(wb, 'S', 1, 6)).toEqual({ error: '#NAME?' });
    expect(wb.cachedCells()).toEqual([
      { sheet: 'S', row: 1, col: 2, address: 'S!B1', reason: 'the engine cannot compute LET' },
      { sheet: 'S', row: 1, col: 4, address: 'S!D1', reason: 'the engine does not compute array formulas' },
      { sheet: 'S', row: 1, col: 5, address: 'S!E1', reason: 'the engine cannot compute this table or external reference' },
    ]);
    expect(showCell(wb.requireSheet('S').get(1, 2))).toBe('=LET(x,2,x*A1) → 6 (cached; the engine cannot compute LET)');
    expect(showCell(wb.requireSheet('S').get(1, 3))).toBe('=B1+1 → 7');
  });

  it('keep it after edits, which recompute what they can', async () => {
    const wb = await readXlsx(await rawXlsx({ sheets: [{ name: 'S', rows }] }));
    const editor = new WorkbookEditor(wb, wb.sheets[0]!);
    await editor.apply('write_cells', { range: 'A1', values: [[10]] });
    await editor.apply('write_cells', { range: 'G1', values: [['=B1*2']] });
    expect([2, 3, 7].map((c) => valueAt(wb, 'S', 1, c))).toEqual([6, 7, 12]);
    expect(wb.cachedCells().map((c) => c.address)).toEqual(['S!B1', 'S!D1', 'S!E1']);
    // A formula written over a cached one is the agent's: it no longer relies on the file.
    await editor.apply('set_formula', { cell: 'B1', formula: '=A1*3' });
    expect(valueAt(wb, 'S', 1, 3)).toBe(31);
    expect(wb.cachedCells().map((c) => c.address)).toEqual(['S!D1', 'S!E1']);
  });

  it('keep it in a copy of the workbook (verification clones)', async () => {
    const wb = await readXlsx(await rawXlsx({ sheets: [{ name: 'S', rows }] }));
    expect(wb.clone().cachedCells()).toEqual(wb.cachedCells());
  });
});

describe('functions added', () => {
  const wb = buildWorkbook([
    {
      name: 'S',
      rows: [
        ['pen', 5, 'a-b-c'],
        ['ink', 3],
        ['pad', 9],
        ['cap', 1],
      ],
    },
  ]);
  const cases: [string, unknown][] = [
    ['=XLOOKUP("PAD",A1:A4,B1:B4)', 9],
    ['=XLOOKUP("box",A1:A4,B1:B4)', { error: '#N/A' }],
    ['=XLOOKUP("box",A1:A4,B1:B4,"none")', 'none'],
    ['=XLOOKUP(4,B1:B4,A1:A4,,-1)', 'ink'],
    ['=XLOOKUP(4,B1:B4,A1:A4,,1)', 'pen'],
    ['=XLOOKUP("p*",A1:A4,B1:B4,,2,-1)', 9],
    ['=XMATCH(1,B1:B4)', 4],
    ['=SUBSTITUTE(C1,"-","+")', 'a+b+c'],
    ['=SUBSTITUTE(C1,"-","+",2)', 'a-b+c'],
    ['=SMALL(B1:B4,2)', 3],
    ['=LARGE(B1:B4,1)', 9],
    ['=SMALL($B:$B,2)', 3],
    ['=ROW(3:3)', 3],
    ['=RANK(9,B1:B4)', 1],
    ['=ROUND(VAR(B1:B4)*3,9)', 35],
    ['=PERCENTILE(B1:B4,0.5)', 4],
    ['=QUARTILE(B1:B4,1)', 2.5],
    ['=HYPERLINK("https://example.com","site")', 'site'],
    ['=HYPERLINK("https://example.com")', 'https://example.com'],
  ];
  it.each(cases)('%s gives %j', async (formula, expected) => {
    const copy = wb.clone();
    await new WorkbookEditor(copy, copy.sheets[0]!).apply('set_formula', { cell: 'J1', formula });
    expect(valueAt(copy, 'S', 1, 10)).toEqual(expected);
  });
});

describe('whole-column and whole-row references', () => {
  const data = () => buildWorkbook([{ name: 'S', rows: [[1, null, null, null, null, null, 10], [2], [3, 4, null, null, null, null, 20]] }]);

  it('reads $G:$G, G:$G, $3:$3 and 3:3 (=SUM($G:$G) in J1 was refused as circular)', async () => {
    const wb = data();
    const editor = new WorkbookEditor(wb, wb.sheets[0]!);
    await editor.apply('write_cells', { range: 'J1', values: [['=SUM($G:$G)', '=SUM(G:$G)', '=SUM($3:$3)', '=SUM(3:3)', '=SUM(S!$A:$A)']] });
    expect([10, 11, 12, 13, 14].map((c) => valueAt(wb, 'S', 1, c))).toEqual([30, 30, 27, 27, 6]);
    // Dependents follow edits in those lines.
    await editor.apply('write_cells', { range: 'C3', values: [[100]] });
    await editor.apply('write_cells', { range: 'G9', values: [[5]] });
    expect([10, 12].map((c) => valueAt(wb, 'S', 1, c))).toEqual([35, 127]);
  });

  it('move with fills and row edits as Excel moves them', () => {
    expect(shiftFormula('SUM(3:3)+SUM($3:$3)+SUM(G:G)', 2, 1)).toBe('SUM(5:5)+SUM($3:$3)+SUM(H:H)');
    expect(adjustForStructure('SUM(3:4)', { kind: 'insert', axis: 'row', at: 2, count: 1 }, () => true)).toBe('SUM(4:5)');
    expect(adjustForStructure('SUM(3:4)', { kind: 'insert', axis: 'col', at: 1, count: 1 }, () => true)).toBe('SUM(3:4)');
  });
});

describe('structured table references', () => {
  /** A workbook with table Sales (Item, Qty, Price; 3 rows and a totals row) written by exceljs. */
  async function salesFile(formulas: Record<string, string>, results: Record<string, number> = {}): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    const ws = book.addWorksheet('Data');
    ws.addTable({
      name: 'Sales',
      ref: 'A1',
      totalsRow: true,
      columns: [{ name: 'Item', totalsRowLabel: 'Total' }, { name: 'Qty', totalsRowFunction: 'sum' }, { name: 'Unit price' }],
      rows: [
        ['pen', 2, 1.5],
        ['ink', 3, 4],
        ['pad', 5, 2],
      ],
    });
    const other = book.addWorksheet('Report');
    for (const [address, formula] of Object.entries(formulas)) {
      const [sheet, cell] = address.split('!') as [string, string];
      (sheet === 'Data' ? ws : other).getCell(cell).value = { formula, result: results[address] } as ExcelJS.CellFormulaValue;
    }
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  it("resolve Table[Col], Table[[#All],[Col]], Table[[#This Row],[Col]], [@Col] and column ranges against the file's tables", async () => {
    const wb = await readXlsx(
      await salesFile({
        'Report!A1': 'SUM(Sales[Qty])',
        'Report!A2': 'COUNTA(Sales[[#All],[Item]])',
        'Report!A3': 'SUMPRODUCT(Sales[Qty],Sales[Unit price])',
        'Report!A4': 'COUNTA(Sales[[#Headers],[Item]:[Qty]])',
        'Report!A5': 'ROWS(Sales)',
        'Data!D2': 'Sales[[#This Row],[Qty]]*Sales[[#This Row],[Unit price]]',
        'Data!C4': '[@Qty]*2',
        'Data!F2': "Sales[@['Unit price]]",
      }),
    );
    expect(wb.tables.map((t) => ({ name: t.name, columns: t.columns, totalsRows: t.totalsRows }))).toEqual([
      { name: 'Sales', columns: ['Item', 'Qty', 'Unit price'], totalsRows: 1 },
    ]);
    // C4, inside the table, is [@Qty]*2 = 10: SUMPRODUCT is 2*1.5 + 3*4 + 5*10.
    expect([1, 2, 3, 4, 5].map((r) => valueAt(wb, 'Report', r, 1))).toEqual([10, 5, 65, 2, 3]);
    expect([valueAt(wb, 'Data', 4, 3), valueAt(wb, 'Data', 2, 4), valueAt(wb, 'Data', 2, 6)]).toEqual([10, 3, 1.5]);
    expect(wb.cachedCells()).toEqual([]);
  });

  it('follow edits to the table, accept [@Col] typed by the agent, and are written to files as ranges', async () => {
    const wb = await readXlsx(await salesFile({ 'Report!A1': 'SUM(Sales[Qty])' }));
    const editor = new WorkbookEditor(wb, wb.requireSheet('Data'));
    await editor.apply('write_cells', { range: 'Data!B3', values: [[30]] });
    await editor.apply('set_formula', { cell: 'Data!C3', formula: '=[@Qty]+1' });
    expect([valueAt(wb, 'Report', 1, 1), valueAt(wb, 'Data', 3, 3)]).toEqual([37, 31]);
    // Outside the table there is no row to read: refused, as Excel refuses it.
    await expect(editor.apply('set_formula', { cell: 'Data!E3', formula: '=[@Qty]+1' })).rejects.toMatchObject({
      kind: 'formula_error',
      message: expect.stringContaining('tables: Sales[Item, Qty, Unit price]'),
    });
    const back = await readXlsx(await writeXlsx(wb));
    expect(back.requireSheet('Report').get(1, 1)?.formula).toBe('SUM(Data!$B$2:$B$4)');
    expect(valueAt(back, 'Report', 1, 1)).toBe(37);
  });

  it("naming an unknown column keep the file's value, marked", async () => {
    const wb = await readXlsx(await salesFile({ 'Report!A1': 'SUM(Sales[Weight])', 'Report!A2': 'SUM(Sales[Weight])' }, { 'Report!A1': 12 }));
    expect(valueAt(wb, 'Report', 1, 1)).toBe(12);
    expect(wb.cachedCells().map((c) => c.address)).toEqual(['Report!A1']);
    // Without a stored value there is nothing to keep.
    expect(valueAt(wb, 'Report', 2, 1)).toEqual({ error: '#NAME?' });
  });
});

describe('defined names', () => {
  const book = () =>
    rawXlsx({
      sheets: [
        {
          name: 'S',
          rows:
            '<row r="1"><c r="A1"><v>10</v></c><c r="B1"><v>0.2</v></c><c r="C1"><f>A1*TaxRate</f><v>2</v></c><c r="D1"><f>SUM(Rates)</f><v>0</v></c>' +
            '<c r="E1"><f>A1*Half</f><v>5</v></c><c r="F1"><f>Local*10</f><v>20</v></c><c r="G1"><f>Broken+1</f><v>1</v></c><c r="I1"><f>Missing+1</f><v>99</v></c></row>' +
            '<row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>',
        },
      ],
      workbookAfter:
        '<definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">S!$A$1:$C$3</definedName><definedName name="Broken">#REF!</definedName>' +
        '<definedName name="Half">0.5</definedName><definedName name="Local" localSheetId="0">S!$A$2</definedName>' +
        '<definedName name="Rates">S!$A$1:$A$3</definedName><definedName name="TaxRate">S!$B$1</definedName></definedNames>',
    });

  it('stand for the references and constants the file gives them, and follow edits', async () => {
    const wb = await readXlsx(await book());
    expect([3, 4, 5, 6].map((c) => valueAt(wb, 'S', 1, c))).toEqual([2, 15, 5, 20]);
    // A name standing for #REF! gives #REF!, as in Excel; a name the file does not define
    // cannot be computed: the stored value stays, marked.
    expect([valueAt(wb, 'S', 1, 7), valueAt(wb, 'S', 1, 9)]).toEqual([{ error: '#REF!' }, 99]);
    expect(wb.cachedCells().map((c) => [c.address, c.reason])).toEqual([['S!I1', 'the engine cannot compute Missing, a name the workbook does not define']]);
    const editor = new WorkbookEditor(wb, wb.sheets[0]!);
    // The agent's own formulas with an unknown name compute as Excel does.
    await editor.apply('write_cells', { range: 'J1', values: [['=IFERROR(Missing,0)', '=Missing+1']] });
    expect([valueAt(wb, 'S', 1, 10), valueAt(wb, 'S', 1, 11)]).toEqual([0, { error: '#NAME?' }]);
    await editor.apply('write_cells', { range: 'B1', values: [[0.5]] });
    await editor.apply('write_cells', { range: 'A3', values: [[30]] });
    expect([valueAt(wb, 'S', 1, 3), valueAt(wb, 'S', 1, 4)]).toEqual([5, 42]);
    await editor.apply('set_formula', { cell: 'H1', formula: '=TaxRate*Half' });
    expect(valueAt(wb, 'S', 1, 8)).toBe(0.25);
    const back = await readXlsx(await writeXlsx(wb));
    expect(back.requireSheet('S').get(1, 3)?.formula).toBe('A1*S!$B$1');
    expect(valueAt(back, 'S', 1, 3)).toBe(5);
  });
});
