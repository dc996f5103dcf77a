import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRun,
  exportRun,
  formatExportReport,
  targetConversations,
  toConversation,
  trainingConversations,
  validateOpenAIChatRow,
  validateShareGptRow,
  validateTrlRow,
} from '../src/index.js';
import type { EpisodeRecord, EpisodeStatus, ExportOptions } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

type Act = { name: string; args: object; text?: string };
const click = (id: number, text = `Element ${id} is the one to open.`): Act => ({ name: 'click', args: { id }, text });
const submit = (answer: string): Act => ({ name: 'submit', args: { answer }, text: `The page shows ${answer}; submitting it.` });

/** An expert episode whose steps at `injected` are noise: a random candidate in place of the expert's call, without a rationale. */
function noisyEpisode(id: string, taskSeed: number, status: EpisodeStatus, acts: Act[], injected: number[], policy = 'none'): EpisodeRecord {
  const record = makeEpisode({ seed: taskSeed, taskSeed, episodeId: id, status, steps: acts.length, action: (i) => [acts[i]!] });
  record.agent = { kind: 'expert', model: '', contextPolicy: policy };
  for (const i of injected) Object.assign(record.steps![i]!, { injected: true, text: '', strategy: '' });
  for (const [i, step] of record.steps!.entries()) if (!injected.includes(i)) step.strategy = 'browse';
  return record;
}

async function exportOf(records: EpisodeRecord[], options: Omit<ExportOptions, 'out'>) {
  const dir = join(tempDir(), 'run');
  const writer = await createRun(dir);
  for (const r of records) await writer.append(r);
  await writer.close();
  const out = join(dir, '..', `out-${options.format}`);
  const report = await exportRun(dir, { ...options, out });
  const text = readFileSync(out, 'utf8');
  return {
    report,
    rows: text
      ? text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [],
  };
}

type Message = { role: string; content: string | null; weight?: number; tool_calls?: { function: { name: string; arguments: unknown } }[] };
const assistants = (row: Record<string, unknown>) => (row.messages as Message[]).filter((m) => m.role === 'assistant');

// Step 1 is noise (click 9); the expert recovers at step 2 (click 2), then submits.
const recovered = () => noisyEpisode('n-1', 10, 'success', [click(1), click(9, ''), click(2), submit('x')], [1]);

describe('steps injected as noise', () => {
  it('are context in the conversation: weight 0, marked injected; every other turn keeps its weight and its rationale', () => {
    const turns = toConversation(recovered()).filter((m) => m.role === 'assistant');
    expect(turns.map((m) => [m.step, m.injected, m.weight])).toEqual([
      [0, false, 1],
      [1, true, 0],
      [2, false, 1],
      [3, false, 1],
    ]);
    expect(turns.filter((m) => !m.injected).every((m) => m.content.length > 0)).toBe(true);
  });

  it('are never the target of an example: formats that cannot weight turns get one example per learnt step', () => {
    const examples = targetConversations(recovered());
    expect(examples.map((e) => e.step)).toEqual([0, 2, 3]);
    for (const example of examples) {
      const last = example.messages.at(-1)!;
      expect(last).toMatchObject({ role: 'assistant', step: example.step, injected: false });
    }
    // The recovery step's example shows the injected turn before it, as context.
    expect(examples[1]!.messages.filter((m) => m.role === 'assistant').map((m) => m.step)).toEqual([0, 1, 2]);
    // Under window:N / memory:N an injected step has no example of its own.
    const windowed = noisyEpisode('n-2', 11, 'success', [click(1), click(9, ''), click(2), submit('x')], [1], 'window:2');
    expect(trainingConversations(windowed).map((e) => e.step)).toEqual([0, 2, 3]);
  });

  it('get weight 0 in the openai export, where the expert turns carry their rationale; --no-rationale drops the text', async () => {
    const { rows, report } = await exportOf([recovered()], { format: 'openai' });
    expect(rows).toHaveLength(1);
    expect(validateOpenAIChatRow(rows[0]!)).toEqual([]);
    const turns = assistants(rows[0]!);
    expect(turns.map((m) => m.weight)).toEqual([1, 0, 1, 1]);
    expect(turns.filter((m) => m.weight === 1).map((m) => m.content)).toEqual([
      'Element 1 is the one to open.',
      'Element 2 is the one to open.',
      'The page shows x; submitting it.',
    ]);
    expect(formatExportReport(report)).toContain('1 steps in 1 episodes were injected as noise');
    const plain = await exportOf([recovered()], { format: 'openai', rationale: false });
    expect(assistants(plain.rows[0]!).map((m) => m.content)).toEqual([null, null, null, null]);
    expect(assistants(plain.rows[0]!).map((m) => m.weight)).toEqual([1, 0, 1, 1]);
  });

  it('are never a completion in trl, nor the last turn of a sharegpt row', async () => {
    const trl = await exportOf([recovered()], { format: 'trl' });
    expect(trl.rows).toHaveLength(3);
    for (const row of trl.rows) expect(validateTrlRow(row)).toEqual([]);
    const completions = trl.rows.map((r) => (r.completion as Message[])[0]!.tool_calls![0]!.function.arguments);
    expect(completions).toEqual([{ id: 1 }, { id: 2 }, { answer: 'x' }]);
    const sharegpt = await exportOf([recovered()], { format: 'sharegpt' });
    expect(sharegpt.rows).toHaveLength(3);
    for (const row of sharegpt.rows) expect(validateShareGptRow(row)).toEqual([]);
    const lastCalls = sharegpt.rows.map((r) => JSON.parse((r.conversations as { value: string }[]).at(-1)!.value) as { arguments: unknown });
    expect(lastCalls.map((c) => c.arguments)).toEqual([{ id: 1 }, { id: 2 }, { answer: 'x' }]);
    expect(formatExportReport(sharegpt.report)).toMatch(/1 steps in 1 episodes were injected as noise.*mask_history: true/);
  });

  it('are never the chosen side of a preference pair; as the rejected side they are kept', async () => {
    // Task 20: the success was pushed off course by noise at step 1 where the failure was not.
    const noisySuccess = noisyEpisode('p-1', 20, 'success', [click(1), click(9, ''), click(2), submit('x')], [1]);
    // (makeEpisode draws the instruction after the steps: episodes of a task have as many steps.)
    const failure = noisyEpisode('p-2', 20, 'failure', [click(1), click(3), click(4), submit('y')], []);
    // Task 21: the failure's noise is what it did wrong; the expert's turn there is a fine choice.
    const success = noisyEpisode('q-1', 21, 'success', [click(1), click(2), submit('x')], []);
    const noisyFailure = noisyEpisode('q-2', 21, 'failure', [click(1), click(9, ''), submit('y')], [1]);
    for (const format of ['openai-dpo', 'trl-dpo'] as const) {
      const { rows, report } = await exportOf([noisySuccess, failure, success, noisyFailure], { format });
      expect(rows).toHaveLength(1);
      expect(report.skipped).toEqual({ 'the successful episode diverged at a step injected as noise (never a chosen side)': 1 });
      const chosen = format === 'openai-dpo' ? (rows[0]!.preferred_output as Message[]) : (rows[0]!.chosen as Message[]);
      const rejected = format === 'openai-dpo' ? (rows[0]!.non_preferred_output as Message[]) : (rows[0]!.rejected as Message[]);
      // openai-dpo writes arguments as JSON text, trl-dpo as objects.
      const args = (m: Message[]) => {
        const value = m[0]!.tool_calls![0]!.function.arguments;
        return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
      };
      expect([args(chosen), args(rejected)]).toEqual([{ id: 2 }, { id: 9 }]);
    }
  });
});
