import { ActionError, toolCall, type ExpertAction, type Observation, type Session, type StepOutcome, type ToolCall, type ToolSpec, type ValidToolCall, type Verdict } from '@workgym/protocol';
import { WorkbookEditor } from './editor.js';
import type { Workbook } from './engine/workbook.js';
import { writeXlsx } from './engine/xlsx.js';
import { renderView, sheetList } from './render.js';
import type { PlannedCall } from './tasks/task.js';
import { ALL_TOOLS } from './tools.js';

/** What a session needs from a task, generated or loaded (SpreadsheetBench). */
export interface SessionTask {
  instruction: string;
  /** The sheet shown first and that unqualified references point at. */
  focus: string;
  /** Question tasks offer `answer`. */
  question: boolean;
  expert: PlannedCall[];
  candidates: PlannedCall[];
  /** Scores the final workbook; `edits` are the calls that changed it, in order. */
  verify(wb: Workbook, answer: string | undefined, edits: readonly PlannedCall[]): Promise<Verdict>;
}

const READ_ONLY = new Set(['list_sheets', 'read_range']);

/**
 * One episode on one in-memory workbook. The terminating step (submit or answer) carries the
 * final workbook as .xlsx bytes in `info.workbookBase64`.
 */
export class SpreadsheetSession implements Session {
  readonly tools: readonly ToolSpec[];
  readonly instruction: string;
  private readonly editor: WorkbookEditor;
  private view: { sheet: string; row: number };
  private lastText: string | undefined;
  private answerText: string | undefined;
  private readonly edits: PlannedCall[] = [];
  private cursor = 0;

  constructor(
    private readonly task: SessionTask,
    private readonly wb: Workbook,
  ) {
    this.instruction = task.instruction;
    this.tools = ALL_TOOLS.filter((t) => t.name !== 'answer' || task.question);
    const focus = wb.sheet(task.focus) ?? wb.sheets[0]!;
    this.editor = new WorkbookEditor(wb, focus);
    this.view = { sheet: focus.name, row: 1 };
  }

  get observation(): Observation {
    const sheet = this.wb.sheet(this.view.sheet) ?? this.editor.defaultSheet;
    const parts = [`Sheets: ${sheetList(this.wb)}`];
    if (this.lastText !== undefined) parts.push(this.lastText);
    if (this.lastText === undefined || !this.lastText.startsWith(`${sheet.name}!`)) parts.push(renderView(sheet, this.view.row));
    const text = parts.join('\n\n');
    return { text, rawSize: Buffer.byteLength(text), candidates: this.candidates() };
  }

  private candidates(): ToolCall[] {
    const generic: PlannedCall[] = [{ name: 'list_sheets', arguments: {} }, { name: 'submit', arguments: {} }];
    return [...this.task.candidates, ...generic].map((c, i) => toolCall(c.name, c.arguments, `cand-${i + 1}`));
  }

  async step(call: ValidToolCall): Promise<StepOutcome> {
    const planned = this.task.expert[this.cursor];
    if (planned && planned.name === call.name && JSON.stringify(planned.arguments) === JSON.stringify(call.arguments)) this.cursor += 1;
    if (call.name === 'submit' || call.name === 'answer') {
      if (call.name === 'answer') this.answerText = String(call.arguments.text);
      const bytes = await writeXlsx(this.wb);
      const text = call.name === 'answer' ? `answered: ${this.answerText}` : 'submitted';
      return { observation: { text, rawSize: text.length }, terminated: true, info: { workbookBase64: bytes.toString('base64'), ...(this.answerText !== undefined ? { answer: this.answerText } : {}) } };
    }
    if (!this.isEditTool(call.name)) throw new ActionError('unknown_tool', call.name);
    const result = this.editor.apply(call.name, call.arguments);
    if (!READ_ONLY.has(call.name)) this.edits.push({ name: call.name, arguments: call.arguments });
    if (result.focus) {
      this.view = { sheet: result.focus.sheet.name, row: result.focus.row };
      this.editor.defaultSheet = result.focus.sheet;
    }
    this.lastText = result.text;
    return { observation: this.observation };
  }

  private isEditTool(name: string): name is Parameters<WorkbookEditor['apply']>[0] {
    return ALL_TOOLS.some((t) => t.name === name) && name !== 'submit' && name !== 'answer';
  }

  async verify(): Promise<Verdict> {
    return this.task.verify(this.wb, this.answerText, this.edits);
  }

  async expert(): Promise<ExpertAction> {
    const next = this.task.expert[this.cursor] ?? { name: this.task.question ? 'answer' : 'submit', arguments: this.task.question ? { text: '?' } : {} };
    return { calls: [toolCall(next.name, next.arguments, `expert-${this.cursor + 1}`)], text: '' };
  }

  async close(): Promise<void> {}
}
