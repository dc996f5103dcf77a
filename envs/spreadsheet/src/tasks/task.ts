import type { Value, CellFormat } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import type { Rng } from '@workgym/protocol';

export type Difficulty = 'easy' | 'medium' | 'hard';

/** A tool call as a family writes it (the session turns it into a protocol ToolCall). */
export interface PlannedCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** A sheet at the start of a task: rows of values; strings starting with "=" are formulas. */
export interface SheetInit {
  name: string;
  rows: (Value | undefined)[][];
  formats?: { range: string; format: CellFormat }[];
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
   * The values the target cells ("Sheet!B2") must hold, computed from a workbook's inputs: from
   * the starting workbook for the values check, from a perturbed copy for the formulas check.
   */
  expected?: (wb: Workbook) => Record<string, Value>;
  /** "all": the values check passes only if every target is right (sorting, deduplication). */
  valueMode?: 'fraction' | 'all';
  /** Target cells that must be formulas: they must still be right after `perturb` changes the inputs. */
  formulas?: { cells: string[]; perturb: (wb: Workbook, rng: Rng) => void };
  /** A format check scored 0..1 (highlighting, bold headers, date formats). */
  formats?: (wb: Workbook) => { score: number; detail: string };
  /** The reference solution, one call per step (ends with submit or answer). */
  expert: PlannedCall[];
  /** Concrete calls offered as candidate actions (a mix of useful and useless ones). */
  candidates: PlannedCall[];
}

export interface FamilyDef {
  /** Short name; the family id is `spreadsheet/<name>`. */
  name: string;
  difficulty: Difficulty;
  description: string;
  generate(rng: Rng): TaskInstance;
}
