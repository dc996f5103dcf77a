import type { Rng } from '@workgym/protocol';
import type { ExpertStep, FamilyDef as KitFamilyDef, PlannedCall } from '@workgym/protocol/kit';
import type { CellFormat, Value } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';

/** A sheet at the start of a task: rows of values; strings starting with "=" are formulas. */
export interface SheetInit {
  name: string;
  rows: (Value | undefined)[][];
  formats?: { range: string; format: CellFormat }[];
}

/**
 * What the expert decides from: the workbook as it is now (a teacher may look at it) and what
 * the episode has shown. Every value in the call it returns must be shown or derived from shown
 * values (the grounding rule, docs/envs/spreadsheet.md).
 */
export interface ExpertView {
  wb: Workbook;
  /** The strategy or near-miss being played. */
  strategy: string;
  /** Whether the episode has shown this text (whitespace runs count as one space). */
  shown(text: string): boolean;
  /** Whether the episode already made this exact call. */
  made(call: PlannedCall): boolean;
}

/**
 * The formulas check: each round perturbs a copy of the task's starting workbook (`perturb`
 * must change every input the targets read, so every target's expected value moves), writes
 * every cell of `inputs` from that copy into a copy of the agent's workbook, and compares the
 * targets with `expected` of the perturbed copy.
 */
export interface FormulaCheck {
  /** Target cells ("Sheet!B2") that must be formulas. */
  cells: string[];
  /** Ranges ("Sheet!A2:C20") holding every cell the target formulas read. */
  inputs: string[];
  perturb(wb: Workbook, rng: Rng): void;
}

/** One generated task: the workbook, how it is checked, how the expert solves it. */
export interface TaskInstance {
  instruction: string;
  sheets: SheetInit[];
  /** The sheet the first observation shows and unqualified references point at. */
  focus: string;
  /** Question tasks end with `answer` instead of `submit`. */
  question?: { accept: string[]; numeric?: number; tolerance?: number };
  /**
   * The values the target cells ("Sheet!B2") must hold, computed from a copy of the task's own
   * starting workbook (or of a perturbed one), never from the agent's.
   */
  expected?: (start: Workbook) => Record<string, Value>;
  /** "all": the values check passes only if every target is right (sorting, deduplication). */
  valueMode?: 'fraction' | 'all';
  formulas?: FormulaCheck;
  /** A format check scored 0..1, judged against the starting workbook `start`. */
  formats?: (wb: Workbook, start: Workbook) => { score: number; detail: string };
  /** The next move of the strategy or near-miss `view.strategy`, decided from the state. */
  expert(view: ExpertView): ExpertStep;
  /** Calls that do not help, offered as candidate actions next to the strategies' next moves. */
  distractors: PlannedCall[];
}

/** A spreadsheet family (id `spreadsheet/<name>`): the kit's family definition, generating spreadsheet tasks. */
export type FamilyDef = KitFamilyDef<TaskInstance>;
