import {
  ActionError,
  CallRefusedError,
  endsEpisode,
  Rng,
  ShownText,
  type ExpertAction,
  type Observation,
  type Session,
  type StepOutcome,
  type ToolCall,
  type ToolSpec,
  type ValidToolCall,
  type Verdict,
} from '@workgym/protocol';
import { candidateCalls, expertAction, type ExpertStep, type PlannedCall, type StateSnapshot } from '@workgym/protocol/kit';
import { WorkbookEditor } from './editor.js';
import type { Workbook } from './engine/workbook.js';
import { cellName, parseRange, quoteSheet, type RangeAddress } from './engine/a1.js';
import { writeXlsx } from './engine/xlsx.js';
import { renderView, sheetList } from './render.js';
import { workbookState } from './state.js';
import { uniqueCalls } from './tasks/expert-kit.js';
import type { ExpertView } from './tasks/task.js';
import { TOOLS } from './tools.js';

/** What a session needs from a task, generated or loaded (SpreadsheetBench). */
export interface SessionTask {
  instruction: string;
  /** The sheet shown first and that unqualified references point at. */
  focus: string;
  /** Question tasks offer `answer`. */
  question: boolean;
  seed: number;
  /** The family's strategies: "" plays strategies[seed % count]. */
  strategies: readonly string[];
  /** The next move of a strategy or near-miss at the current state. */
  expert(view: ExpertView): ExpertStep;
  distractors: readonly PlannedCall[];
  /** Scores the final workbook; `edits` are the calls that changed it, in order. */
  verify(wb: Workbook, answer: string | undefined, edits: readonly PlannedCall[]): Promise<Verdict>;
  /**
   * The ranges ("Items!E1:E9", "Sales!G:IV") the task may change: its targets and the scratch
   * area its instruction grants. `expectsChange` expects exactly their cells and the sheets they
   * lie on (a sheet the task creates); without it the session expects no change.
   */
  changes?: readonly string[];
}

const READ_ONLY = new Set(['list_sheets', 'read_range']);
const MAX_CANDIDATES = 8;

/**
 * One episode on one in-memory workbook. The terminating step (submit or answer) carries the
 * final workbook as .xlsx bytes in `info.workbookBase64`. The session keeps what the episode has
 * shown, so its expert acts only on that.
 */
export class SpreadsheetSession implements Session {
  readonly tools: readonly ToolSpec[];
  readonly instruction: string;
  private readonly editor: WorkbookEditor;
  private view: { sheet: string; row: number };
  private lastText: string | undefined;
  private answerText: string | undefined;
  private readonly edits: PlannedCall[] = [];
  private readonly shown = new ShownText();
  /** Every call the episode made, as name and arguments. */
  private readonly made = new Set<string>();
  private steps = 0;
  private closed = false;
  /** Aborts the recalculation in flight when the session closes. */
  private readonly closing = new AbortController();
  /** The task's declared changes (`SessionTask.changes`), parsed once. */
  private readonly declared: readonly RangeAddress[];

  constructor(
    private readonly task: SessionTask,
    private readonly wb: Workbook,
  ) {
    this.instruction = task.instruction;
    this.tools = TOOLS.specs.filter((t) => t.name !== 'answer' || task.question);
    const focus = wb.sheet(task.focus) ?? wb.sheets[0]!;
    this.editor = new WorkbookEditor(wb, focus);
    this.view = { sheet: focus.name, row: 1 };
    this.shown.add(task.instruction);
    for (const tool of this.tools) this.shown.add(`${tool.name} ${tool.description} ${tool.parametersJson}`);
    this.shown.add(this.viewText());
    this.declared = (task.changes ?? []).map((range) => parseRange(range));
  }

  /** The observation of the state as it is; its text has already been counted as shown. */
  get observation(): Observation {
    const text = this.viewText();
    return { text, rawSize: Buffer.byteLength(text), candidates: this.candidates() };
  }

  private viewText(): string {
    const sheet = this.wb.sheet(this.view.sheet) ?? this.editor.defaultSheet;
    const parts = [`Sheets: ${sheetList(this.wb)}`];
    if (this.lastText !== undefined) parts.push(this.lastText);
    if (this.lastText === undefined || !this.lastText.startsWith(`${sheet.name}!`)) parts.push(renderView(sheet, this.view.row));
    return parts.join('\n\n');
  }

  /**
   * The strategies' next moves at this state (so a random agent sometimes makes progress) and
   * the task's distractors, shuffled by seed and step, plus list_sheets and submit.
   */
  private candidates(): ToolCall[] {
    const useful = this.task.strategies
      .map((strategy) => this.task.expert(this.expertView(strategy)).call)
      // No ending among them: report_infeasible there would tell a random agent which seeds are infeasible.
      .filter((c) => !endsEpisode(c.name));
    const rng = new Rng(this.task.seed * 1_000 + this.steps);
    const mixed = rng.shuffle(
      uniqueCalls([...useful, ...rng.sample([...this.task.distractors], Math.min(this.task.distractors.length, MAX_CANDIDATES - useful.length))]),
    );
    const generic: PlannedCall[] = [
      { name: 'list_sheets', arguments: {} },
      { name: 'submit', arguments: {} },
    ];
    return candidateCalls([...mixed, ...generic]);
  }

  async step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    if (this.closed) throw new CallRefusedError('unknown_session', 'the session was closed');
    this.steps += 1;
    this.made.add(callKey(call));
    try {
      return await this.apply(call, AbortSignal.any([signal, this.closing.signal]));
    } catch (error) {
      if (error instanceof ActionError) this.shown.add(`Error (${error.kind}): ${error.message}`);
      throw error;
    }
  }

  private async apply(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    if (call.name === 'submit' || call.name === 'answer') {
      if (call.name === 'answer') this.answerText = String(call.arguments.text);
      const bytes = await writeXlsx(this.wb);
      const text = call.name === 'answer' ? `answered: ${this.answerText}` : 'submitted';
      this.shown.add(text);
      return {
        observation: { text, rawSize: text.length },
        terminated: true,
        info: { workbookBase64: bytes.toString('base64'), ...(this.answerText !== undefined ? { answer: this.answerText } : {}) },
      };
    }
    if (!this.isEditTool(call.name)) throw new ActionError('unknown_tool', call.name);
    const result = await this.editor.apply(call.name, call.arguments, signal);
    if (!READ_ONLY.has(call.name)) this.edits.push({ name: call.name, arguments: call.arguments });
    if (result.focus) {
      this.view = { sheet: result.focus.sheet.name, row: result.focus.row };
      this.editor.defaultSheet = result.focus.sheet;
    }
    this.lastText = result.text;
    // Counted as shown before the candidates are made, so they follow from what this step shows.
    this.shown.add(this.viewText());
    return { observation: this.observation };
  }

  private isEditTool(name: string): name is Parameters<WorkbookEditor['apply']>[0] {
    return TOOLS.has(name) && name !== 'submit' && name !== 'answer';
  }

  async verify(): Promise<Verdict> {
    return this.task.verify(this.wb, this.answerText, this.edits);
  }

  /** Every sheet, styled or non-empty cell, table and defined name of the workbook as it is now (`workbookState`). */
  async state(): Promise<StateSnapshot> {
    return workbookState(this.wb);
  }

  /**
   * Whether the task expects the state at `key` to change: a `cell:` key inside one of the task's
   * declared ranges (`SessionTask.changes`), or the `sheet:` key of a sheet one of them lies on.
   */
  expectsChange(key: string): boolean {
    const at = stateKeyAt(key);
    if (!at) return false;
    return this.declared.some(
      (r) =>
        r.sheet === at.sheet &&
        (at.cell === undefined || (at.cell.top >= r.top && at.cell.top <= r.bottom && at.cell.left >= r.left && at.cell.left <= r.right)),
    );
  }

  /**
   * Changes the state at `key` the way an agent's call would: a `cell:` key gets another value
   * (write_cells); a sheet, table or defined name, which no tool edits in place, gets a row
   * inserted above its first row (insert_rows), which moves everything on it.
   */
  async touch(key: string): Promise<void> {
    const at = stateKeyAt(key);
    const sheet = at ? this.wb.sheet(at.sheet) : this.editor.defaultSheet;
    if (!sheet) throw new Error(`no sheet holds the state key ${key}`);
    const prefix = `${quoteSheet(sheet.name)}!`;
    if (at?.cell) {
      const now = sheet.get(at.cell.top, at.cell.left)?.value ?? null;
      const other = typeof now === 'number' ? now + 1 : `${typeof now === 'string' ? now : ''} (edited)`;
      await this.editor.apply('write_cells', { range: `${prefix}${cellName(at.cell.top, at.cell.left)}`, values: [[other]] }, this.closing.signal);
      return;
    }
    await this.editor.apply('insert_rows', { sheet: sheet.name, row: 1, count: 1 }, this.closing.signal);
  }

  /** What an expert decides from at this state: the workbook and what the episode showed (a composite env's expert reads it too). */
  expertView(strategy: string): ExpertView {
    return { wb: this.wb, strategy, shown: (text) => this.shown.contains(text), made: (c) => this.made.has(callKey(c)) };
  }

  async expert(_signal: AbortSignal, strategy: string): Promise<ExpertAction> {
    const { strategies, seed } = this.task;
    const chosen = strategy || (strategies.length > 0 ? strategies[seed % strategies.length]! : '');
    return expertAction(this.task.expert(this.expertView(chosen)), `expert-${this.steps + 1}`);
  }

  /** The workbook lives in memory; closing stops a recalculation in flight and refuses later steps. */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The sheet (and cell) a `workbookState` key names: `cell:<Sheet>!<A1>` or `sheet:<Sheet>`; undefined for tables and names. */
function stateKeyAt(key: string): { sheet: string; cell?: { top: number; left: number } } | undefined {
  if (key.startsWith('cell:')) {
    const r = parseRange(key.slice('cell:'.length));
    return { sheet: r.sheet!, cell: { top: r.top, left: r.left } };
  }
  if (key.startsWith('sheet:')) return { sheet: parseRange(`${key.slice('sheet:'.length)}!A1`).sheet! };
  return undefined;
}

const callKey = (c: { name: string; arguments: Record<string, unknown> }) => `${c.name} ${JSON.stringify(c.arguments)}`;
