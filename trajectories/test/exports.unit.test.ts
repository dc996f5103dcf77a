import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import {
  createRun,
  EXPORT_FORMATS,
  ExportOptionsError,
  exportRun,
  NothingSelectedError,
  formatExportReport,
  taskId,
  TEST_CANARY,
  TestEpisodesError,
  validateOpenAIChatRow,
  validateOpenAIPreferenceRow,
  validateShareGptRow,
  validateTrlPreferenceRow,
  validateTrlRow,
} from '../src/index.js';
import type { EpisodeRecord, EpisodeStatus, ExportOptions, ExportReport } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

type Action = { name: string; args: object; text?: string };

interface RlRow {
  data_source: string;
  prompt: { role: string; content: string }[];
  reward_model: { style: string; ground_truth: string };
  reward: number;
  tools: string;
  response: { role: string; tool_calls: { id: string; name: string; arguments: string }[] | null }[];
  extra_info: Record<string, unknown>;
}

/** Episodes of one task see the same observations until their actions differ. */
function taskEpisode(id: string, env: string, taskSeed: number, status: EpisodeStatus, actions: Action[][]): EpisodeRecord {
  return makeEpisode({
    seed: taskSeed,
    taskSeed,
    env,
    episodeId: id,
    status,
    steps: actions.length,
    action: (i) => actions[i]!,
  });
}

const click = (id: number): Action => ({ name: 'click', args: { id } });
const submit = (answer: string): Action => ({ name: 'submit', args: { answer } });

function episodes(): EpisodeRecord[] {
  const invalid = taskEpisode('c-2', 'spreadsheet', 30, 'failure', [[click(1)], [submit('?')]]);
  invalid.steps![0]!.errorKind = 'stale_element';
  const badArgs = taskEpisode('c-3', 'spreadsheet', 31, 'failure', [[click(1)]]);
  badArgs.steps![0]!.toolCalls![0]!.argumentsJson = '{"id": 1';
  return [
    taskEpisode('a-1', 'browser', 10, 'success', [[click(1)], [click(2)], [submit('x')]]),
    taskEpisode('a-2', 'browser', 10, 'failure', [[click(1)], [click(5)], [submit('y')]]),
    taskEpisode('a-3', 'browser', 10, 'success', [[click(1)], [click(2)], [submit('x')]]),
    taskEpisode('a-4', 'browser', 11, 'success', [[click(3)], [submit('z')]]),
    taskEpisode('b-1', 'code', 20, 'success', [[click(7), click(8)], [{ ...submit('ok'), text: 'Both done, submitting.' }]]),
    taskEpisode('b-2', 'code', 20, 'failure', [[click(7), click(8)], [{ ...submit('ok'), text: 'Both done, submitting.' }]]),
    taskEpisode('c-1', 'spreadsheet', 30, 'success', [[click(1)], [submit('!')]]),
    invalid,
    badArgs,
  ];
}

async function runOf(records: EpisodeRecord[]): Promise<string> {
  const dir = join(tempDir(), 'run');
  const writer = await createRun(dir);
  for (const r of records) await writer.append(r);
  await writer.close();
  return dir;
}

let exports = 0;

async function exportFile(dir: string, options: Omit<ExportOptions, 'out'>): Promise<{ report: ExportReport; out: string }> {
  const out = join(dir, '..', `out-${exports++}-${options.format}`);
  return { report: await exportRun(dir, { ...options, out }), out };
}

async function exportLines(dir: string, options: Omit<ExportOptions, 'out'>): Promise<{ rows: Record<string, unknown>[]; report: ExportReport }> {
  const { report, out } = await exportFile(dir, options);
  const text = readFileSync(out, 'utf8');
  return {
    rows: text
      ? text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [],
    report,
  };
}

describe('exports', () => {
  it('openai: valid chat rows with tool_calls as JSON text and weight 0 on invalid steps', async () => {
    const dir = await runOf(episodes());
    const { rows, report } = await exportLines(dir, { format: 'openai' });
    expect(report.rows).toBe(8);
    expect(report.skipped).toEqual({ 'tool call arguments are not a JSON object': 1 });
    for (const row of rows) expect(validateOpenAIChatRow(row)).toEqual([]);
    const first = rows[0] as { messages: { role: string; tool_calls?: { function: { arguments: unknown } }[]; weight?: number }[] };
    // These results are short ("ok: click done ...") and the next page differs from them, so each
    // page follows as a user message, as the agent showed it.
    expect(first.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user', 'assistant', 'tool', 'user', 'assistant', 'tool']);
    expect(first.messages[2]!.tool_calls![0]!.function.arguments).toBe('{"id":1}');
    const invalid = rows.find((r) => JSON.stringify(r).includes('\\"answer\\":\\"?\\"')) as { messages: { role: string; weight?: number }[] };
    expect(invalid.messages.filter((m) => m.role === 'assistant').map((m) => m.weight)).toEqual([0, 1]);
  });

  it('openai-dpo: one assistant message per side, cut where a success and a failure of a task diverge', async () => {
    const dir = await runOf(episodes());
    const { rows, report } = await exportLines(dir, { format: 'openai-dpo' });
    for (const row of rows) expect(validateOpenAIPreferenceRow(row)).toEqual([]);
    // a-1/a-3 vs a-2 diverge at step 1 (one pair once deduplicated), c-1 vs c-2 at step 1 (the
    // failure's first step was invalid but the call was the same); b-1 vs b-2 never diverge.
    expect(rows).toHaveLength(2);
    const browser = rows.find((r) => JSON.stringify(r).includes('"{\\"id\\":5}"')) as {
      input: { messages: { role: string }[] };
      preferred_output: { tool_calls: { function: { arguments: string } }[] }[];
      non_preferred_output: { tool_calls: { function: { arguments: string } }[] }[];
    };
    expect(browser.input.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
    expect(browser.preferred_output[0]!.tool_calls[0]!.function.arguments).toBe('{"id":2}');
    expect(browser.non_preferred_output[0]!.tool_calls[0]!.function.arguments).toBe('{"id":5}');
    expect(report.skipped).toMatchObject({ 'one episode is a prefix of the other': 1, 'duplicate pair': 1 });
  });

  it('trl: valid conversations with arguments as objects; episodes with unparsable arguments are skipped and counted', async () => {
    const dir = await runOf(episodes());
    const { rows, report } = await exportLines(dir, { format: 'trl' });
    expect(rows).toHaveLength(8);
    for (const row of rows) expect(validateTrlRow(row)).toEqual([]);
    const first = rows[0] as { messages: { tool_calls?: { function: { arguments: unknown } }[] }[] };
    expect(first.messages[2]!.tool_calls![0]!.function.arguments).toEqual({ id: 1 });
    expect(report.skipped).toEqual({ 'tool call arguments are not a JSON object': 1 });
  });

  it('trl-dpo: prompt, chosen and rejected in conversational form', async () => {
    const dir = await runOf(episodes());
    const { rows } = await exportLines(dir, { format: 'trl-dpo' });
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(validateTrlPreferenceRow(row)).toEqual([]);
  });

  it('sharegpt: alternating turns, and a report of the parallel calls and text-with-calls it had to reshape', async () => {
    const dir = await runOf(episodes());
    const { rows, report } = await exportLines(dir, { format: 'sharegpt' });
    for (const row of rows) expect(validateShareGptRow(row)).toEqual([]);
    const parallel = rows.find((r) => JSON.stringify(r).includes('"id\\":8')) as { conversations: { from: string }[] };
    expect(parallel.conversations.map((t) => t.from)).toEqual(['human', 'function_call', 'observation', 'function_call', 'observation', 'function_call']);
    expect(report.limits).toMatchObject({ parallelCalls: { steps: 2, episodes: 2 }, textWithToolCalls: { steps: 2, episodes: 2 } });
    const printed = formatExportReport(report);
    expect(printed).toContain('parallel tool calls');
    expect(printed).toContain('the text was dropped');
    expect(printed).toContain('"formatting":"sharegpt"');
  });

  it('a window:N episode is one row per step, each the view its model was shown, learning only that step', async () => {
    const windowed = taskEpisode('w-1', 'browser', 40, 'success', [[click(1)], [click(2)], [click(3)], [submit('x')]]);
    windowed.agent!.contextPolicy = 'window:1';
    const dir = await runOf([windowed]);
    const openai = await exportLines(dir, { format: 'openai' });
    expect(openai.rows).toHaveLength(4);
    for (const row of openai.rows) expect(validateOpenAIChatRow(row)).toEqual([]);
    const last = openai.rows[3] as { messages: { role: string; weight?: number; tool_calls?: { function: { arguments: string } }[] }[] };
    // The task and first page, the one turn the window kept (context, weight 0), its page, the step learned.
    expect(last.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user', 'assistant', 'tool']);
    expect(last.messages.filter((m) => m.role === 'assistant').map((m) => [m.tool_calls![0]!.function.arguments, m.weight])).toEqual([
      ['{"id":3}', 0],
      ['{"answer":"x"}', 1],
    ]);
    const trl = await exportLines(dir, { format: 'trl' });
    for (const row of trl.rows) expect(validateTrlRow(row)).toEqual([]);
    expect(trl.rows[3]).toMatchObject({ completion: [{ role: 'assistant', tool_calls: [{ function: { arguments: { answer: 'x' } } }] }] });
    const sharegpt = await exportLines(dir, { format: 'sharegpt' });
    expect(sharegpt.rows).toHaveLength(4);
    for (const row of sharegpt.rows) expect(validateShareGptRow(row)).toEqual([]);
    expect(formatExportReport(sharegpt.report)).toContain('mask_history: true');
  });

  it('rl-parquet: verl-style rows readable by a Parquet reader', async () => {
    const dir = await runOf(episodes());
    const out = join(dir, '..', 'rl.parquet');
    const report = await exportRun(dir, { format: 'rl-parquet', out });
    const buf = readFileSync(out);
    const rows = (await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) })) as RlRow[];
    expect(rows).toHaveLength(report.rows);
    const first = rows[0]!;
    expect(first.data_source).toBe('workgym/browser');
    expect(first.prompt.map((m) => m.role)).toEqual(['system', 'user']);
    expect(first.reward_model).toEqual({ style: 'workgym', ground_truth: 'browser/shop-buy-cheapest#10' });
    expect(first.reward).toBe(1);
    expect(first.response[0]!.tool_calls![0]).toEqual({ id: 'call_0_0', name: 'click', arguments: '{"id":1}' });
    expect(JSON.parse(first.tools)[0].function.name).toBe('click');
    expect(first.extra_info).toMatchObject({ episode_id: 'a-1', task_id: 'browser/shop-buy-cheapest#10', success: true, steps: 3 });
  });

  it("rl-parquet: the reward is what the record's mode paid; the shaped reward and the mode go with it", async () => {
    const [won, lost, old] = episodes();
    const dir = await runOf([
      { ...won!, rewardMode: 'success', finalReward: 1, shapedReward: 1 },
      { ...lost!, rewardMode: 'success', finalReward: 0, shapedReward: 0.5 },
      // From before reward modes: paid the shaped reward.
      { ...old!, finalReward: 0.25, success: false, status: 'failure' },
    ]);
    const out = join(dir, '..', 'modes.parquet');
    await exportRun(dir, { format: 'rl-parquet', out });
    const buf = readFileSync(out);
    const rows = (await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) })) as RlRow[];
    expect(rows.map((r) => [r.reward, r.extra_info.reward_mode, r.extra_info.shaped_reward])).toEqual([
      [1, 'success', 1],
      [0, 'success', 0.5],
      [0.25, 'shaped', 0.25],
    ]);
  });

  it('stop when aborted, leaving no file (and no temp file) behind', async () => {
    const dir = await runOf(episodes());
    const out = join(dir, '..', 'aborted', 'sft.jsonl');
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(exportRun(dir, { format: 'openai', out, signal: controller.signal })).rejects.toThrow('stop now');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, '..', 'aborted')) ? readdirSync(join(dir, '..', 'aborted')) : []).toEqual([]);
  });

  it('are byte-identical for the same run, whatever order the episodes were appended in', async () => {
    const records = episodes();
    const a = await runOf(records);
    const b = await runOf([...records].reverse());
    for (const format of EXPORT_FORMATS) {
      const outs = [];
      for (const dir of [a, a, b]) {
        const out = join(dir, '..', `again-${outs.length}-${format}`);
        await exportRun(dir, { format, out, dedupe: true });
        outs.push(readFileSync(out));
      }
      expect(outs[1]!.equals(outs[0]!), format).toBe(true);
      expect(outs[2]!.equals(outs[0]!), format).toBe(true);
    }
  });
});

describe('export shaping', () => {
  const picked = async (dir: string, options: Omit<ExportOptions, 'out' | 'format'>) =>
    (await exportFile(dir, { format: 'proto', ...options })).report.episodes;
  const ids = async (dir: string, options: Omit<ExportOptions, 'out' | 'format'>) => {
    const { out } = await exportFile(dir, { format: 'rl-parquet', ...options });
    const buf = readFileSync(out);
    const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    return rows.map((r) => (r.extra_info as { episode_id: string }).episode_id);
  };

  it('keeps only successes, or episodes at or above a reward', async () => {
    const dir = await runOf(episodes());
    expect(await ids(dir, { successOnly: true })).toEqual(['a-1', 'a-3', 'a-4', 'b-1', 'c-1']);
    expect(await picked(dir, { minReward: 0.5 })).toBe(5);
  });

  it('dedupes identical action sequences within a task only', async () => {
    const dir = await runOf(episodes());
    // a-3 repeats a-1; b-2 repeats b-1 (same task); c-1 and c-2 differ.
    expect(await ids(dir, { dedupe: true })).toEqual(['a-1', 'a-2', 'a-4', 'b-1', 'c-1', 'c-2', 'c-3']);
  });

  it('balances episodes per env', async () => {
    const dir = await runOf(episodes());
    const kept = await ids(dir, { balance: 'env' });
    const perEnv = (prefix: string) => kept.filter((id) => id.startsWith(prefix)).length;
    expect([perEnv('a'), perEnv('b'), perEnv('c')]).toEqual([2, 2, 2]);
  });

  it('splits train and validation by task, so no task is on both sides', async () => {
    const many = Array.from({ length: 60 }, (_, i) => makeEpisode({ seed: i + 1, taskSeed: Math.floor(i / 3), episodeId: `e-${String(i).padStart(3, '0')}` }));
    const dir = await runOf(many);
    const train = await ids(dir, { holdout: { part: 'train', fraction: 0.3 } });
    const validation = await ids(dir, { holdout: { part: 'validation', fraction: 0.3 } });
    expect([...train, ...validation].sort()).toEqual(many.map((r) => r.episodeId).sort());
    const task = (id: string) => taskId(many.find((r) => r.episodeId === id)!);
    const trainTasks = new Set(train.map(task));
    expect(validation.some((id) => trainTasks.has(task(id)))).toBe(false);
    expect(validation.length).toBeGreaterThan(0);
    expect(train.length).toBeGreaterThan(validation.length);
  });

  it('refuses env, family and job filters that name no episode of the run, saying what it holds', async () => {
    const dir = await runOf(episodes());
    const out = join(dir, '..', 'typo.jsonl');
    const typo = exportRun(dir, { format: 'openai', out, env: 'brwoser' });
    await expect(typo).rejects.toBeInstanceOf(NothingSelectedError);
    await expect(typo).rejects.toThrow('env brwoser matches no episode of the run (it holds envs browser, code, spreadsheet)');
    await expect(exportRun(dir, { format: 'openai', out, env: 'code', job: 'nosuch' })).rejects.toThrow(/env code and job nosuch matches no episode/);
    expect(existsSync(out)).toBe(false);
    // One name of several present is a selection, and a filter that leaves nothing for another reason is an empty export.
    expect(await picked(dir, { env: ['code', 'nosuch'] })).toBe(2);
    expect(await picked(dir, { env: 'code', minReward: 2 })).toBe(0);
  });

  it('refuses success filters on preference exports, which need failures', async () => {
    const dir = await runOf(episodes());
    await expect(exportRun(dir, { format: 'openai-dpo', out: join(dir, '..', 'x'), successOnly: true })).rejects.toBeInstanceOf(ExportOptionsError);
  });
});

describe('test-split episodes', () => {
  // The browser tasks (a-*) were run on the test split.
  const mixed = () => episodes().map((r) => (r.env === 'browser' ? { ...r, split: 'test' } : r));

  it('are refused by every format before anything is written, unless includeTest', async () => {
    const dir = await runOf(mixed());
    for (const format of EXPORT_FORMATS) {
      const out = join(dir, '..', `refused-${format}`);
      const refused = exportRun(dir, { format, out });
      await expect(refused).rejects.toBeInstanceOf(TestEpisodesError);
      await expect(refused).rejects.toThrow(`4 selected episodes are from the test split, kept for evaluation: refused; --include-test`);
      expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(join(dir, '..')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // Filtered out, they are no obstacle.
    await expect(exportRun(dir, { format: 'openai', out: join(dir, '..', 'code.jsonl'), env: ['code'] })).resolves.toMatchObject({ episodes: 2 });
  });

  it('with includeTest, carry the canary in the metadata of exactly their rows, preference pairs included', async () => {
    const dir = await runOf(mixed());
    const { rows } = await exportLines(dir, { format: 'openai', includeTest: true });
    for (const row of rows) expect(validateOpenAIChatRow(row)).toEqual([]);
    expect(rows.map((r) => (r.metadata as { canary?: string } | undefined)?.canary)).toEqual([...Array(4).fill(TEST_CANARY), ...Array(4).fill(undefined)]);
    const { rows: pairs } = await exportLines(dir, { format: 'trl-dpo', includeTest: true });
    for (const row of pairs) expect(validateTrlPreferenceRow(row)).toEqual([]);
    expect(pairs.map((r) => [JSON.stringify(r).includes('"id":5'), (r.metadata as { canary?: string } | undefined)?.canary])).toEqual(
      expect.arrayContaining([
        [true, TEST_CANARY],
        [false, undefined],
      ]),
    );
    const { out } = await exportFile(dir, { format: 'rl-parquet', includeTest: true });
    const parquet = readFileSync(out);
    const table = (await parquetReadObjects({ file: parquet.buffer.slice(parquet.byteOffset, parquet.byteOffset + parquet.byteLength) })) as {
      extra_info: { env: string; canary: string | null };
    }[];
    expect(table.map((r) => r.extra_info.canary)).toEqual(table.map((r) => (r.extra_info.env === 'browser' ? TEST_CANARY : null)));
  });

  it('leave train-only exports as they were: no metadata, no canary column', async () => {
    const dir = await runOf(episodes());
    const { rows } = await exportLines(dir, { format: 'sharegpt' });
    expect(rows.every((r) => !('metadata' in r))).toBe(true);
    const { out } = await exportFile(dir, { format: 'rl-parquet' });
    const parquet = readFileSync(out);
    const table = (await parquetReadObjects({ file: parquet.buffer.slice(parquet.byteOffset, parquet.byteOffset + parquet.byteLength) })) as {
      extra_info: Record<string, unknown>;
    }[];
    expect(Object.keys(table[0]!.extra_info)).not.toContain('canary');
  });
});
