// A task set in SpreadsheetBench's released layout (dataset.json, spreadsheet/<id>/<n>_<id>_input.xlsx
// and _answer.xlsx, three cases each) whose tasks carry the quirks of the released data: cached
// formula results of 0 and FALSE, a merged range, a whole-column absolute reference, quoted and
// unbalanced answer positions, sheet names with spaces, an answer range past the env's size cap,
// number-like text. Every answer is a formula, so one solution holds on all three cases.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

type Scalar = string | number | boolean | null;
type CellSpec = Scalar | { formula: string; result: Scalar };

interface FixtureSheet {
  name: string;
  cells: Record<string, CellSpec>;
  merges?: string[];
}

interface FixtureTask {
  id: string | number;
  instruction: string;
  instruction_type: string;
  answer_position: string;
  /** The sheets of case n (0, 1, 2): input when `answer` is false, answer when true. */
  sheets(n: number, answer: boolean): FixtureSheet[];
}

const CASE_DATA = [
  [3, 0, 5],
  [0, 7, 2],
  [4, 4, 0],
];

const columnOf = (rows: number[], col: string, from = 2) => Object.fromEntries(rows.map((v, i) => [`${col}${i + from}`, v]));

export const FIXTURE_TASKS: FixtureTask[] = [
  {
    id: 101,
    instruction: 'Fill Amount (C2:C4) with Price times Qty, and D2:D4 with whether Price exceeds Qty.',
    instruction_type: 'Cell-Level Manipulation',
    answer_position: "'Sheet1'!C2:C4,'Sheet1'!D2:D4",
    sheets: (n, answer) => {
      const price = CASE_DATA[n]!;
      const qty = [2, 5, 0];
      const cells: Record<string, CellSpec> = { A1: 'Price', B1: 'Qty', C1: 'Amount', D1: 'Dearer', ...columnOf(price, 'A'), ...columnOf(qty, 'B') };
      if (answer) {
        price.forEach((p, i) => {
          cells[`C${i + 2}`] = { formula: `A${i + 2}*B${i + 2}`, result: p * qty[i]! };
          cells[`D${i + 2}`] = { formula: `A${i + 2}>B${i + 2}`, result: p > qty[i]! };
        });
      }
      return [{ name: 'Sheet1', cells }];
    },
  },
  {
    id: '7-2',
    instruction: 'Label the merged row 6 "Total" and put the sum of A2:A4 in D6.',
    instruction_type: 'Cell-Level Manipulation',
    answer_position: 'A6:D6',
    sheets: (n, answer) => {
      const data = CASE_DATA[n]!.map((v) => v + 10);
      const cells: Record<string, CellSpec> = { A1: 'Value', ...columnOf(data, 'A') };
      if (answer) Object.assign(cells, { A6: 'Total', D6: { formula: 'SUM(A2:A4)', result: data.reduce((s, v) => s + v, 0) } });
      return [{ name: 'Sheet1', cells, merges: ['A6:C6'] }];
    },
  },
  {
    id: 303,
    instruction: 'In J1, total column G with a formula that keeps working as rows are added.',
    instruction_type: 'Cell-Level Manipulation',
    answer_position: "'Sheet1'!J:J",
    sheets: (n, answer) => {
      const g = CASE_DATA[n]!.map((v) => v * 3 + 1);
      const cells: Record<string, CellSpec> = { G1: 'Units', ...columnOf(g, 'G') };
      if (answer) cells.J1 = { formula: 'SUM($G:$G)', result: g.reduce((s, v) => s + v, 0) };
      return [{ name: 'Sheet1', cells }];
    },
  },
  {
    id: 404,
    instruction: 'Double column A into column B on Sheet1, and add one to column A into column B on Updated Data.',
    instruction_type: 'Sheet-Level Manipulation',
    answer_position: "'Sheet1!'B2:B4,Updated Data'!B2:B4",
    sheets: (n, answer) => {
      const a = CASE_DATA[n]!.map((v) => v + 1);
      const first: Record<string, CellSpec> = { A1: 'In', B1: 'Out', ...columnOf(a, 'A') };
      const second: Record<string, CellSpec> = { A1: 'In', B1: 'Out', ...columnOf(a, 'A') };
      if (answer) {
        a.forEach((v, i) => {
          first[`B${i + 2}`] = { formula: `A${i + 2}*2`, result: v * 2 };
          second[`B${i + 2}`] = { formula: `A${i + 2}+1`, result: v + 1 };
        });
      }
      return [
        { name: 'Sheet1', cells: first },
        { name: 'Updated Data', cells: second },
      ];
    },
  },
  {
    id: 505,
    instruction: 'Fill column B with ten times column A for all 40 rows.',
    instruction_type: 'Sheet-Level Manipulation',
    answer_position: "'Sheet1'!A1:B20000",
    sheets: (n, answer) => {
      const cells: Record<string, CellSpec> = {};
      for (let r = 1; r <= 40; r++) {
        const v = r + CASE_DATA[n]![0]!;
        cells[`A${r}`] = v;
        if (answer) cells[`B${r}`] = { formula: `A${r}*10`, result: v * 10 };
      }
      return [{ name: 'Sheet1', cells }];
    },
  },
  {
    id: 606,
    instruction: 'On Code List, write each code of column A padded with two leading zeros into column B (as text).',
    instruction_type: 'Cell-Level Manipulation',
    answer_position: "'Code List'!B2:B4",
    sheets: (n, answer) => {
      const codes = CASE_DATA[n]!.map((v) => 100 + v * 11);
      const cells: Record<string, CellSpec> = { A1: 'Code', B1: 'Padded', ...columnOf(codes, 'A') };
      if (answer) codes.forEach((c, i) => (cells[`B${i + 2}`] = { formula: `"00"&A${i + 2}`, result: `00${c}` }));
      return [{ name: 'Code List', cells }];
    },
  },
];

async function workbook(sheets: FixtureSheet[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = book.addWorksheet(s.name);
    for (const [ref, v] of Object.entries(s.cells)) ws.getCell(ref).value = v as ExcelJS.CellValue;
    for (const m of s.merges ?? []) ws.mergeCells(m);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * Writes the fixture set into `dir` (readable by every user, as the Docker runtime's server user
 * needs) and returns the folder.
 */
export async function writeSpreadsheetBenchFixture(dir: string, tasks: readonly FixtureTask[] = FIXTURE_TASKS): Promise<string> {
  await mkdir(join(dir, 'spreadsheet'), { recursive: true });
  const dataset = tasks.map((t) => ({
    id: t.id,
    instruction: t.instruction,
    spreadsheet_path: `spreadsheet/${t.id}`,
    instruction_type: t.instruction_type,
    answer_position: t.answer_position,
  }));
  await writeFile(join(dir, 'dataset.json'), JSON.stringify(dataset, null, 2));
  for (const t of tasks) {
    const folder = join(dir, 'spreadsheet', String(t.id));
    await mkdir(folder, { recursive: true });
    for (let n = 0; n < 3; n++) {
      await writeFile(join(folder, `${n + 1}_${t.id}_input.xlsx`), await workbook(t.sheets(n, false)));
      await writeFile(join(folder, `${n + 1}_${t.id}_answer.xlsx`), await workbook(t.sheets(n, true)));
    }
    await chmod(folder, 0o755);
  }
  await chmod(join(dir, 'spreadsheet'), 0o755);
  await chmod(dir, 0o755);
  return dir;
}
