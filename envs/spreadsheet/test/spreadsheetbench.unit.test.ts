import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpreadsheetBench, SPREADSHEETBENCH_FAMILY, spreadsheetBenchOptions, type SpreadsheetBenchTask } from '../src/index.js';
import { inProcessClient, open, runExpert } from './helpers.js';

let dir: string;
let task: SpreadsheetBenchTask;
const client = inProcessClient();

/** A workbook in SpreadsheetBench's shape: prices and quantities, and (for answers) C = A*B. */
async function workbook(rows: [number, number][], answer: boolean): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const ws = book.addWorksheet('Sheet1');
  ws.addRow(['Price', 'Qty', 'Amount']);
  rows.forEach(([a, b], i) => {
    const row = ws.addRow([a, b]);
    if (answer) row.getCell(3).value = { formula: `A${i + 2}*B${i + 2}`, result: a * b };
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-sb-'));
  await mkdir(join(dir, 'spreadsheet', '59196'), { recursive: true });
  const dataset = [
    {
      id: 59196,
      instruction: 'Fill Amount (C2:C4) with Price times Qty.',
      spreadsheet_path: 'spreadsheet/59196',
      instruction_type: 'Cell-Level Manipulation',
      answer_position: "'Sheet1'!C2:C4",
    },
  ];
  await writeFile(join(dir, 'dataset.json'), JSON.stringify(dataset));
  const cases: [number, number][][] = [
    [
      [2, 3],
      [4, 5],
      [6, 7],
    ],
    [
      [1, 1],
      [10, 2],
      [3, 3],
    ],
    [
      [9, 9],
      [8, 8],
      [7, 1],
    ],
  ];
  for (const [i, rows] of cases.entries()) {
    await writeFile(join(dir, 'spreadsheet', '59196', `${i + 1}_59196_input.xlsx`), await workbook(rows, false));
    await writeFile(join(dir, 'spreadsheet', '59196', `${i + 1}_59196_answer.xlsx`), await workbook(rows, true));
  }
  [task] = (await loadSpreadsheetBench(dir)) as [SpreadsheetBenchTask];
});

afterAll(async () => {
  client.close();
  await rm(dir, { recursive: true, force: true });
});

describe('SpreadsheetBench tasks', () => {
  it('loads the instruction, answer position and every test case', () => {
    expect(task).toMatchObject({ id: '59196', answerPosition: "'Sheet1'!C2:C4", instructionType: 'Cell-Level Manipulation' });
    expect(task.cases).toHaveLength(3);
  });

  it('runs through the step API and scores a general solution right on every test case', async () => {
    const ep = await open(client, SPREADSHEETBENCH_FAMILY, 1, spreadsheetBenchOptions(task) as unknown as Record<string, unknown>);
    expect(ep.reset.task?.instruction).toContain('Fill Amount (C2:C4) with Price times Qty.');
    const last = await runExpert(client, ep.session);
    expect(last.verdict).toMatchObject({ reward: 1, success: true, components: { case_1: 1, case_2: 1, case_3: 1 } });
  });

  it('replays the edits on the other test cases, so typed-in values only pass the first', async () => {
    const ep = await open(client, SPREADSHEETBENCH_FAMILY, 1, spreadsheetBenchOptions(task) as unknown as Record<string, unknown>);
    await ep.step('write_cells', { range: 'Sheet1!C2', values: [[6], [20], [42]] });
    const end = await ep.step('submit');
    expect(end.verdict?.components).toEqual({ case_1: 1, case_2: 0, case_3: 0 });
    // Success is the reward; SpreadsheetBench declares no components, so its own fraction of
    // test cases is the shaped reward.
    expect(end.verdict?.reward).toBe(0);
    expect(end.verdict?.shapedReward).toBeCloseTo(1 / 3);
    expect(end.verdict?.success).toBe(false);
  });
});
