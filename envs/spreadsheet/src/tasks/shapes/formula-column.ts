import type { Derived, ExpertStep } from '@workgym/protocol/kit';
import type { Value } from '../../engine/values.js';
import { showValue } from '../../engine/values.js';
import type { Workbook } from '../../engine/workbook.js';
import { at, move, readIfUnseen, refDerivation, submit } from '../expert-kit.js';
import { blockMove, fillDownMove, writeValuesMove, type FormulaBlock } from '../formula-block.js';
import { get } from '../helpers.js';
import type { ExpertView } from '../task.js';

// The "formula column" shape: read the table, write the header, put a formula in every target
// row (filled down, or written as one block), submit. Families of this shape (computed-column,
// date-arithmetic, cross-sheet-lookup, grouped-summary, clean-names) describe their columns and
// get the whole expert, strategies and near-misses included, from `formulaColumnExpert`.

/** A table the formulas read: the expert reads it (read_range) while any of its rows is unseen. */
export interface TableRead {
  /** The sheet the table is on. */
  sheet: string;
  /** The table's A1 range on `sheet`, header row included ("A1:D12"). */
  range: string;
  /** Shown text naming the range (the instruction's "A1:D12"); default `[range]`. */
  sources?: string[];
  /** The rationale of the read. */
  why: string;
}

/** What a typed fill is given to build one row of the block. */
export interface TypedRowContext {
  /** The workbook as it is now. */
  wb: Workbook;
  /** The target block, as `FormulaColumnSpec.block` gave it. */
  block: FormulaBlock;
  /** The values every target cell should hold now: `expected(wb)` of the family. */
  want: Record<string, Value>;
}

/**
 * A way to fill the block other than with the right formulas, for a near-miss (results typed in,
 * an input typed into the formula) or a strategy that types values. It writes every row in one
 * write_cells call, then the expert goes on to `finish` and submits.
 */
export interface TypedFill {
  /** Row `r`'s cells over the block's columns, left to right: a number or text, or a formula ("=B2*3"). */
  row(r: number, ctx: TypedRowContext): (string | number)[];
  /** The rationale of the write. */
  text: string;
  /**
   * Only for a strategy (near-misses are not held to the grounding rule): the derivation of row
   * `r`'s typed values from shown text, usually the row as a grid shows it (`rowLine`).
   */
  derived?(r: number, wb: Workbook): Derived[];
}

/** The near-miss every formula column has: each target's right value typed in as a constant. */
export function typedValues(text: string, derived?: TypedFill['derived']): TypedFill {
  return { text, derived, row: (r, { block, want }) => block.columns.map((c) => want[at(block.sheet, `${c.col}${r}`)] as string | number) };
}

/** A near-miss that passes a "formula, not constant" test: each target a formula of its own number ("=1518.1"). */
export function constantFormulas(text: string): TypedFill {
  return { text, row: (r, { block, want }) => block.columns.map((c) => `=${showValue(want[at(block.sheet, `${c.col}${r}`)]!)}`) };
}

/** A formula-column family's expert, described by its parts (see `formulaColumnExpert`). */
export interface FormulaColumnSpec {
  /** Tables the formulas read, in order; each is read first while any of its rows is unseen. */
  reads: TableRead[];
  /** A header the task asks for, on the block's sheet ("Net" in E1), written before the formulas. */
  header?: { cell: string; text: string };
  /**
   * The target block as the expert sees it now: which cells, which formula per row (a strategy
   * may pick another spelling; list the others as `alternatives`), and the shown text the
   * formulas come from (quote shown rows with `rowLine(view.wb, ...)`).
   */
  block(view: ExpertView): FormulaBlock;
  /** The family's `expected`: the value every target cell should hold in `wb`. */
  expected(wb: Workbook): Record<string, Value>;
  /** Strategies that write every row in one write_cells call; every other formula strategy fills down. */
  blockStrategies?: readonly string[];
  /** Strategies and near-misses that fill the block by `TypedFill` instead, by name. */
  typed?: Readonly<Record<string, TypedFill>>;
  /**
   * Near-misses, `relax:<condition>` and `guess:<name>` strategies whose `block` formulas are
   * wrong on purpose (a condition left out, the same formula whatever the seed): filled down
   * without checking their values.
   */
  wrongFormulas?: readonly string[];
  /** A step after the formulas are in (a number format, a bold header), or undefined when there is none left. */
  finish?(view: ExpertView): ExpertStep | undefined;
  /** The rationale of the final submit. */
  done: string;
}

/**
 * The expert of a formula-column family: reads the tables, writes the header, fills the block by
 * `view.strategy` (fill-down by default, one block for `blockStrategies`, a `TypedFill` for
 * `typed`), runs `finish`, submits. Every move is decided from the workbook as it is now, so the
 * expert recovers from any edit in between.
 */
export function formulaColumnExpert(spec: FormulaColumnSpec): (view: ExpertView) => ExpertStep {
  return (view) => {
    const { wb, strategy } = view;
    for (const table of spec.reads) {
      const read = readIfUnseen(view, table.sheet, table.range, table.sources ?? [table.range], table.why);
      if (read) return read;
    }
    const block = spec.block(view);
    if (spec.header && get(wb, at(block.sheet, spec.header.cell)) !== spec.header.text) {
      const { cell, text } = spec.header;
      return move(
        'write_cells',
        { range: at(block.sheet, cell), values: [[text]] },
        `${cell} should carry the header "${text}" the task asks for; it shows ${JSON.stringify(get(wb, at(block.sheet, cell)) ?? '')}.`,
        [refDerivation(block.sheet, cell, [cell], `cell ${cell} of ${block.sheet}, named in the task`)],
      );
    }
    const fill = spec.typed?.[strategy];
    const next = fill ? typedMove(wb, block, fill, spec.expected(wb)) : formulaMove(spec, view, block);
    if (next) return next;
    const labels = block.columns.map((c) => c.label).join(' / ');
    return spec.finish?.(view) ?? submit(fill ? `The ${labels} cells are filled in; submitting.` : spec.done);
  };
}

function formulaMove(spec: FormulaColumnSpec, { wb, strategy }: ExpertView, block: FormulaBlock): ExpertStep | undefined {
  if (spec.wrongFormulas?.includes(strategy)) return fillDownMove(wb, block, {});
  const want = spec.expected(wb);
  return spec.blockStrategies?.includes(strategy) ? blockMove(wb, block, want) : fillDownMove(wb, block, want);
}

function typedMove(wb: Workbook, block: FormulaBlock, fill: TypedFill, want: Record<string, Value>): ExpertStep | undefined {
  const rows: number[] = [];
  for (let r = block.top; r <= block.bottom; r++) rows.push(r);
  const next = writeValuesMove(
    wb,
    block,
    rows.map((r) => fill.row(r, { wb, block, want })),
    fill.text,
  );
  if (!next || !fill.derived) return next;
  const range = `${block.columns[0]!.col}${block.top}:${block.columns[block.columns.length - 1]!.col}${block.bottom}`;
  return {
    ...next,
    derived: [refDerivation(block.sheet, range, block.rangeSources, 'the target column'), ...rows.flatMap((r) => fill.derived!(r, wb))],
  };
}
