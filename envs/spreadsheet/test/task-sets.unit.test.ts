import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEnvConforms, type EnvClient } from '@workgym/protocol';
import { TaskSetError } from '@workgym/protocol/kit';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manifest, SpreadsheetEnv } from '../src/index.js';
import { SPREADSHEET_TASK_SCHEMA } from '../src/task-sets/generic.js';
import { FIXTURE_TASKS, writeSpreadsheetBenchFixture } from './spreadsheetbench-fixture.js';
import { inProcessClient, open as openEpisode, runExpert, type OpenEpisode } from './helpers.js';

let dir: string;
let bench: string;
let client: EnvClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-sb-set-'));
  bench = await writeSpreadsheetBenchFixture(join(dir, 'bench'));
  client = inProcessClient(undefined, [bench]);
});

afterAll(async () => {
  client.close();
  await rm(dir, { recursive: true, force: true });
});

const opened: OpenEpisode[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((ep) => ep.close()));
});

/** An episode closed after the test, so the env's session cap is never reached. */
async function open(on: EnvClient, familyId: string): Promise<OpenEpisode> {
  const ep = await openEpisode(on, familyId);
  opened.push(ep);
  return ep;
}

const family = (id: string | number) => `spreadsheet/spreadsheetbench.${id}`;

describe('a SpreadsheetBench folder as released', () => {
  it('lists every task as its own family, with the instruction type and a verifier version', async () => {
    const env = new SpreadsheetEnv(undefined, { tasks: [bench] });
    const ids = env.families().map((f) => f.id);
    for (const t of FIXTURE_TASKS) expect(ids).toContain(family(t.id));
    expect(ids).toContain('spreadsheet/spreadsheetbench');
    const merged = env.families().find((f) => f.id === family('7-2'))!;
    expect(merged).toMatchObject({ strategies: ['copy-answer'], nearMisses: ['one-cell-wrong'] });
    expect(merged.description).toContain('Cell-Level Manipulation');
    expect(merged.verifierVersion).toMatch(/^[0-9a-f]{16}$/);
    await env.close();
  });

  it('reaches the env through the manifest, as the CLI creates it in process', async () => {
    const env = await manifest.create({ tasks: [bench] });
    expect(env.families().map((f) => f.id)).toContain(family(101));
    await env.close();
  });

  it.each(FIXTURE_TASKS.map((t) => [t.id, t.answer_position] as const))(
    'task %s (%s): the expert that copies the answer succeeds on all three cases',
    async (id) => {
      const ep = await open(client, family(id));
      const last = await runExpert(client, ep.session, 20);
      expect(last.verdict?.detail).toBe('case 1 right; case 2 right; case 3 right');
      expect(last.verdict).toMatchObject({ success: true, reward: 1, components: { case_1: 1, case_2: 1, case_3: 1 } });
    },
  );

  it.each(FIXTURE_TASKS.map((t) => [t.id] as const))('task %s: doing nothing fails every case', async (id) => {
    const ep = await open(client, family(id));
    const end = await ep.step('submit');
    expect(end.verdict).toMatchObject({ success: false, reward: 0, components: { case_1: 0, case_2: 0, case_3: 0 } });
  });

  it.each(FIXTURE_TASKS.map((t) => [t.id] as const))('task %s: the right answer with one cell wrong fails', async (id) => {
    const ep = await open(client, family(id));
    const last = await runExpert(client, ep.session, 20, 'one-cell-wrong');
    expect(last.verdict?.success).toBe(false);
    expect(last.verdict?.components?.case_1).toBe(0);
  });

  it('passes the conformance suite on every task (the copy declares where its values come from; the near-miss fails)', async () => {
    const families = FIXTURE_TASKS.map((t) => family(t.id));
    const report = await assertEnvConforms(client, { seeds: [1], families });
    expect(report.results.filter((r) => r.check === 'near-miss one-cell-wrong does not succeed' && r.ok)).toHaveLength(families.length);
  });

  it('reads cached results of 0 and FALSE in answer files: empty cells fail where the answer is 0 or FALSE', async () => {
    const ep = await open(client, family(101));
    // Case 1: C4 = 5*0 = 0 and D3 = 0>5 = FALSE; everything else right, written as formulas.
    await ep.step('write_cells', {
      range: 'Sheet1!C2',
      values: [
        ['=A2*B2', '=A2>B2'],
        ['=A3*B3', null],
        [null, '=A4>B4'],
      ],
    });
    const end = await ep.step('submit');
    expect(end.verdict?.components?.case_1).toBe(0);
    expect(end.verdict?.detail).toContain('Sheet1!D3 = "" (expected "FALSE")');
    expect(end.verdict?.detail).toContain('Sheet1!C4 = "" (expected "0")');
  });

  it('compares a merged range as Excel stores it: only its top-left cell holds the value', async () => {
    const ep = await open(client, family('7-2'));
    await ep.step('write_cells', { range: 'A6', values: [['Total', null, null, '=SUM(A2:A4)']] });
    const end = await ep.step('submit');
    expect(end.verdict).toMatchObject({ success: true, components: { case_1: 1, case_2: 1, case_3: 1 } });
  });

  it('takes =SUM($G:$G) as a whole-column sum, and compares a whole-column answer position', async () => {
    const ep = await open(client, family(303));
    await ep.step('set_formula', { cell: 'J1', formula: '=SUM($G:$G)' });
    expect((await ep.step('submit')).verdict?.success).toBe(true);
    const stray = await open(client, family(303));
    await stray.step('write_cells', { range: 'J1', values: [['=SUM($G:$G)'], ['extra']] });
    const end = await stray.step('submit');
    expect(end.verdict?.success).toBe(false);
    expect(end.verdict?.detail).toContain('Sheet1!J2 = "extra" (expected "")');
  });

  it('compares an answer range larger than the env keeps without refusing it', async () => {
    const ep = await open(client, family(505));
    await ep.step('fill', { source: 'Sheet1!B1', target: 'B1:B40' }).catch(() => undefined);
    await ep.step('set_formula', { cell: 'B1', formula: '=A1*10' });
    await ep.step('fill', { source: 'B1', target: 'B2:B40' });
    expect((await ep.step('submit')).verdict?.success).toBe(true);
  });

  it('counts number-like text as its number, as the benchmark does', async () => {
    const ep = await open(client, family(606));
    const reset = ep.reset.task?.instruction ?? '';
    expect(reset).toContain("'Code List'!B2:B4");
    // Case 1's codes are 133, 100 and 155: the numbers equal the text "00133" and so on.
    await ep.step('write_cells', { range: "'Code List'!B2", values: [[133], [100], [155]] });
    const end = await ep.step('submit');
    expect(end.verdict?.components?.case_1).toBe(1);
    expect(end.verdict?.components?.case_2).toBe(0);
  });

  it('replays the edits on every case: values typed for case 1 fail the others', async () => {
    const ep = await open(client, family(404));
    await ep.step('write_cells', { range: 'Sheet1!B2', values: [[8], [2], [12]] });
    await ep.step('write_cells', { range: "'Updated Data'!B2", values: [[5], [2], [7]] });
    const end = await ep.step('submit');
    expect(end.verdict?.components).toEqual({ case_1: 1, case_2: 0, case_3: 0 });
  });

  it('reads no workbook to list the tasks; a broken workbook is a clear refusal of that task at reset', async () => {
    const broken = join(dir, 'broken');
    await writeSpreadsheetBenchFixture(broken, FIXTURE_TASKS.slice(0, 1));
    await writeFile(join(broken, 'spreadsheet', '101', '1_101_input.xlsx'), 'not a workbook');
    const env = new SpreadsheetEnv(undefined, { tasks: [broken] });
    expect(env.families().map((f) => f.id)).toContain(family(101));
    await expect(env.reset({ family: family(101), seed: 1, split: 'train', options: {} }, new AbortController().signal)).rejects.toThrow(
      /task 101: test case 1 input: not a readable \.xlsx file/,
    );
    await env.close();
  });

  it('refuses a task folder without cases, naming the file it expected', async () => {
    const empty = join(dir, 'empty');
    await mkdir(join(empty, 'spreadsheet', '9'), { recursive: true });
    await writeFile(join(empty, 'dataset.json'), JSON.stringify([{ id: 9, instruction: 'x', spreadsheet_path: 'spreadsheet/9', answer_position: 'A1' }]));
    expect(() => new SpreadsheetEnv(undefined, { tasks: [empty] })).toThrow(/task 9 has no test case \(expected 1_9_input\.xlsx and 1_9_answer\.xlsx\)/);
  });

  it('refuses a path of no layout it knows, naming the path and the layouts', async () => {
    const other = join(dir, 'other');
    await mkdir(other);
    const attempt = () => new SpreadsheetEnv(undefined, { tasks: [other] });
    expect(attempt).toThrow(TaskSetError);
    expect(attempt).toThrow(`${other}: not a task set the spreadsheet env knows; it reads a SpreadsheetBench folder as released`);
    expect(() => new SpreadsheetEnv(undefined, { tasks: [join(dir, 'missing.jsonl')] })).toThrow(/missing\.jsonl: cannot read it \(ENOENT\)/);
  });
});

/** A one-sheet workbook of `rows` (row 1 first). */
async function book(rows: (string | number | null | { formula: string; result: number })[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  rows.forEach((r) => ws.addRow(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('the generic spreadsheet JSONL format', () => {
  let file: string;
  let generic: EnvClient;

  beforeAll(async () => {
    const folder = join(dir, 'generic');
    await mkdir(join(folder, 'books'), { recursive: true });
    await writeFile(join(folder, 'books', 'in1.xlsx'), await book([['n', 'sq'], [2], [3]]));
    await writeFile(join(folder, 'books', 'in2.xlsx'), await book([['n', 'sq'], [5], [6]]));
    await writeFile(
      join(folder, 'books', 'ans1.xlsx'),
      await book([
        ['n', 'sq'],
        [2, { formula: 'A2*A2', result: 4 }],
        [3, { formula: 'A3*A3', result: 9 }],
      ]),
    );
    const lines = [
      {
        id: 'square',
        instruction: 'Put the square of n in column B.',
        input: 'books/in1.xlsx',
        answer: 'books/ans1.xlsx',
        answer_position: 'Data!B2:B3',
        more_cases: [{ input: 'books/in2.xlsx', expected: { B2: 25, B3: 36 } }],
      },
      { id: 'label', instruction: 'Write Done in C1.', input: 'books/in1.xlsx', expected: { 'Data!C1': 'Done' }, answer_position: "'Data'!C1" },
    ];
    file = join(folder, 'sales tasks.jsonl');
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    generic = inProcessClient(undefined, [file]);
  });

  afterAll(() => generic.close());

  it('names each task spreadsheet/<file name>.<id>', async () => {
    const env = new SpreadsheetEnv(undefined, { tasks: [file] });
    expect(env.families().map((f) => f.id)).toEqual(expect.arrayContaining(['spreadsheet/sales-tasks.square', 'spreadsheet/sales-tasks.label']));
    await env.close();
  });

  it('scores every case, an answer workbook or expected values: the expert succeeds, nothing and one wrong cell fail', async () => {
    for (const id of ['square', 'label']) {
      const expert = await open(generic, `spreadsheet/sales-tasks.${id}`);
      expect((await runExpert(generic, expert.session, 10)).verdict?.success, id).toBe(true);
      const nothing = await open(generic, `spreadsheet/sales-tasks.${id}`);
      expect((await nothing.step('submit')).verdict?.success, id).toBe(false);
      const nearMiss = await open(generic, `spreadsheet/sales-tasks.${id}`);
      expect((await runExpert(generic, nearMiss.session, 10, 'one-cell-wrong')).verdict?.success, id).toBe(false);
    }
    const ep = await open(generic, 'spreadsheet/sales-tasks.square');
    const last = await runExpert(generic, ep.session, 10);
    expect(last.verdict?.components).toEqual({ case_1: 1, case_2: 1 });
  });

  it('says when a compared cell relied on a value the file stored because the engine cannot compute it', async () => {
    const folder = join(dir, 'cached');
    await mkdir(folder);
    await writeFile(
      join(folder, 'in.xlsx'),
      await book([
        ['n', 'udf'],
        [2, { formula: 'MYUDF(A2)', result: 7 }],
      ]),
    );
    await writeFile(
      join(folder, 'tasks.jsonl'),
      JSON.stringify({ id: 'udf', instruction: 'Keep B2.', input: 'in.xlsx', expected: { B2: 7 }, answer_position: 'B2' }),
    );
    const env = inProcessClient(undefined, [folder]);
    try {
      const ep = await openEpisode(env, 'spreadsheet/cached.udf');
      const end = await ep.step('submit');
      expect(end.verdict?.success).toBe(true);
      expect(end.verdict?.detail).toMatch(/relied on values stored in the workbook that the engine cannot compute: case 1 Data!B2 \(.*MYUDF.*\)/);
    } finally {
      env.close();
    }
  });

  it('is the schema docs/envs/spreadsheet.md prints', async () => {
    const page = await readFile(new URL('../../../docs/envs/spreadsheet.md', import.meta.url), 'utf8');
    const section = page.slice(page.indexOf('### The generic spreadsheet format'));
    const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(JSON.parse(block ?? 'null')).toEqual(SPREADSHEET_TASK_SCHEMA);
  });

  it('names the line and the field of a bad task', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(
      bad,
      `${JSON.stringify({ id: 'a', instruction: 'x', input: 'a.xlsx', answer: 'b.xlsx', answer_position: 'A1' })}\n${JSON.stringify({ id: 'b', instruction: 'x', answer: 'b.xlsx', answer_position: 'A1' })}\n`,
    );
    expect(() => new SpreadsheetEnv(undefined, { tasks: [bad] })).toThrow('bad.jsonl line 2: field "input" is missing');
  });

  it('reads a folder holding tasks.jsonl as the set named after the folder', async () => {
    const folder = join(dir, 'team-set');
    await mkdir(folder);
    await writeFile(join(folder, 'in.xlsx'), await book([['x']]));
    await writeFile(
      join(folder, 'tasks.jsonl'),
      JSON.stringify({ id: 1, instruction: 'Write 1 in B1.', input: 'in.xlsx', expected: { B1: 1 }, answer_position: 'B1' }),
    );
    const env = new SpreadsheetEnv(undefined, { tasks: [folder] });
    expect(env.families().map((f) => f.id)).toContain('spreadsheet/team-set.1');
    await env.close();
  });
});
