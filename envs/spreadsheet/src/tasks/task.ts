import type { Rng } from '@workgym/protocol';
import type { ComponentDecl, ExpertStep, FamilyDef as KitFamilyDef, People, Person, PlannedCall } from '@workgym/protocol/kit';
import type { CellFormat, Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';

/** A sheet at the start of a task: rows of values; strings starting with "=" are formulas. */
export interface SheetInit {
  /** The sheet's name, as the agent sees it and references name it ("Items", "Items!B2"). */
  name: string;
  /** Row 1 first, column A first: numbers, text, booleans, `null` or `undefined` for an empty cell, "=..." for a formula. */
  rows: (Value | undefined)[][];
  /** Number formats, fills and bold for A1 ranges of this sheet (`{ range: 'D2:D9', format: { numFmt: '0%' } }`). */
  formats?: { range: string; format: CellFormat }[];
}

/**
 * What the expert decides from: the workbook as it is now (a teacher may look at it) and what
 * the episode has shown. Every value in the call it returns must be shown or derived from shown
 * values (the grounding rule, docs/envs/spreadsheet.md).
 */
export interface ExpertView {
  /** The session's workbook as it is now, after every edit so far (the agent's, a noisy candidate's). */
  wb: Workbook;
  /**
   * The strategy being played: one of the family's `strategies` or `nearMisses`, `relax:<c>` for
   * each of its `conditions` (the task done right but for condition c) or `guess:<g>` for each
   * of its `guesses` (the same constant attempt whatever the seed).
   */
  strategy: string;
  /** Whether the episode has shown this text (whitespace runs count as one space). */
  shown(text: string): boolean;
  /** Whether the episode already made this exact call. */
  made(call: PlannedCall): boolean;
  /** The task's people and what they have said (a family listing `people`): the expert asks them and acts on what it heard. */
  people?: People;
}

/**
 * The formulas check: the target cells must hold formulas that stay right when the data
 * changes, so typed-in results fail. Each of its rounds perturbs a copy of the task's starting
 * workbook (`perturb`), writes every cell of `inputs` from that copy into a copy of the agent's
 * workbook, recalculates, and compares the targets with `expected` of the perturbed copy.
 */
export interface FormulaCheck {
  /** Target cells ("Sheet!B2") that must be formulas: usually every key of `expected` but the headers. */
  cells: string[];
  /** Ranges ("Sheet!A2:C20") holding every cell the target formulas read; the check copies them into the agent's workbook. */
  inputs: string[];
  /**
   * Changes the input cells of `wb` (a copy of the starting workbook) in place, drawing from
   * `rng`, and returns nothing. It must move every cell the target formulas read (a cell it
   * never moves lets a formula that typed that cell's value in pass), and on some draw leave
   * no target's `expected` value where it was: the check draws up to 20 times per round until
   * every target's value moved. Write with `setValues`, `bump` and `relabel` (helpers.ts),
   * which recalculate the copy.
   */
  perturb(wb: Workbook, rng: Rng): void;
}

/**
 * One generated task: the workbook, how it is checked, how the expert solves it. Checked by
 * `expected` (+ `formulas`), `formats`, or `question`; an instance has at least one of them.
 */
export interface TaskInstance {
  /** What the agent is asked, naming the sheets, ranges and headers the expert's values are derived from. */
  instruction: string;
  /** The starting workbook, sheet by sheet in tab order. */
  sheets: SheetInit[];
  /**
   * Required: the name of the sheet the first observation shows (one of `sheets`) and that
   * unqualified references ("B2") point at. Usually the sheet the targets are on.
   */
  focus: string;
  /**
   * Question tasks end with the `answer` tool instead of `submit`. `accept`: the right answers
   * (compared without case, surrounding spaces and quotes, thousands separators, a final
   * period); `numeric`: the number an answer may also give, within `tolerance` (a fraction of
   * it, default 0).
   */
  question?: { accept: string[]; numeric?: number; tolerance?: number };
  /**
   * The value every target cell must hold: a record from "Sheet!B2" to the value (a number,
   * text, boolean, or `{ error: '#DIV/0!' }`), headers included. Computed only from `start`,
   * a copy of the task's own starting workbook or of a perturbed one, never from the agent's
   * (read it with `get`). The values check scores the fraction of the record's cells the
   * agent's workbook matches (numbers within a tolerance); a cell of `formulas.cells` counts
   * only when its formula passed the formulas check.
   */
  expected?: (start: Workbook) => Record<string, Value>;
  /**
   * "all": the values and formulas checks pass only if every target is right, else score 0
   * (sorting, deduplication, and every family that states conditions, so that a condition
   * dropped on some rows earns nothing); default "fraction".
   */
  valueMode?: 'fraction' | 'all';
  /**
   * Cells of `expected` that are headers or labels ("Items!E1"): judged as the `labels`
   * component, after `values`, so that writing the header alone earns nothing.
   */
  labels?: string[];
  /**
   * Ranges ("Items!E1:E9") the task may change, and a sheet the task creates ("Missing!A1:B40"):
   * the cells the task's session expects to change (`SessionTask.changes`). Any other change to
   * the workbook (a value, formula or style of another cell, an inserted row) fails the kit's
   * guard `no_collateral`. Default: the cells of `expected`.
   */
  writes?: string[];
  /**
   * Ranges the instruction grants as scratch space ("columns G and after are free for scratch
   * work": "Sales!G:IV", IV the last column the workbook keeps): changes there are expected too, as `writes` are.
   */
  scratch?: string[];
  /** Present when the targets must be formulas; needs `expected`. */
  formulas?: FormulaCheck;
  /**
   * A format check (fills, number formats, bold): a score in 0..1 of the agent's `wb` and a
   * one-line detail, judged against the starting workbook `start` (never against cells the
   * agent could have edited to match).
   */
  formats?: (wb: Workbook, start: Workbook) => { score: number; detail: string };
  /**
   * The next move of the strategy or near-miss `view.strategy`, decided from the workbook as it
   * is now (so the expert recovers from any edit in between) and ending with `submit` (or
   * `answer`). A strategy must reach reward 1 on every seed; a near-miss must end below it.
   * Formula-column families build it with `formulaColumnExpert` (shapes/formula-column.ts).
   */
  expert(view: ExpertView): ExpertStep;
  /** Plausible calls that do not help, offered as candidate actions next to the strategies' next moves (build them with `call`). */
  distractors: PlannedCall[];
  /** Who the agent can reach, for a family listing `people` (its `people` returns them): what only they know is part of the task. */
  people?: Person[];
}

/** A progress component the verifier produces: see `verifyTask`. */
export type SheetComponent = 'answer' | 'formulas' | 'values' | 'labels' | 'formats';

/**
 * A family's `components`: the verifier's progress components it produces, in credit order
 * (formulas before values, the data before its labels and formats). The guard comes from the kit:
 * every generated family sets `collateral: true`, so a change outside `TaskInstance.writes` fails
 * `no_collateral`. `sheetComponents('formulas', 'values', 'labels')`.
 */
export function sheetComponents(...progress: SheetComponent[]): ComponentDecl[] {
  return progress.map((name) => ({ name, kind: 'progress' as const }));
}

/**
 * A spreadsheet family (id `spreadsheet/<name>`): the kit's family definition whose
 * `generate(rng, task)` returns a `TaskInstance`. It lives in `src/tasks/<name>.ts`, is listed
 * in `FAMILIES` (src/tasks/index.ts), and starts best as a copy of a template
 * (`workgym family new spreadsheet/<name> --like formula-column`).
 */
export type FamilyDef = KitFamilyDef<TaskInstance>;
