import type { Derived, ExpertStep } from '@workgym/protocol/kit';
import { REPORT_INFEASIBLE } from '@workgym/protocol/kit';
import { cellName, columnName } from '../engine/a1.js';
import { keyCol, keyRow } from '../engine/sheet.js';
import type { Cell, Value } from '../engine/values.js';
import { isError, showValue } from '../engine/values.js';
import type { Workbook } from '../engine/workbook.js';
import { at, derive, move } from './expert-kit.js';

// An infeasible seed succeeds only with report_infeasible on a workbook unchanged since the
// reset, so its expert first puts back what the episode changed (a scratch formula, a candidate
// action that bolded a header) and then reports why, from what it read.

/** What a cell holds as write_cells would write it: "=formula", a constant, or null for nothing. */
function content(cell: Cell | undefined): string | number | boolean | null {
  if (cell?.formula !== undefined) return `=${cell.formula}`;
  const v: Value = cell?.value ?? null;
  if (v === '' || v === null) return null;
  return isError(v) ? v.error : v;
}

/**
 * The next call that puts a cell of `wb` back as the starting workbook `start` had it (its
 * content, its bold, a fill it did not have), or undefined when every cell is back; cells
 * `mayChange` accepts (a task's declared changes) are left as they are. Number formats and fill
 * colours never show in the grid, so no tool argument could be grounded in them: the families'
 * candidate actions change neither outside a task's targets. `reason` ends the step's text.
 */
export function restoreMove(
  wb: Workbook,
  start: Workbook,
  reason = 'reporting that the task cannot be done must leave the workbook as it was',
  mayChange: (sheet: string, row: number, col: number) => boolean = () => false,
): ExpertStep | undefined {
  for (const first of start.sheets) {
    const now = wb.sheet(first.name);
    if (!now) continue;
    const keys = [...new Set([...first.cells.keys(), ...now.cells.keys()])].sort((a, b) => a - b);
    for (const key of keys) {
      const [was, is] = [first.cells.get(key), now.cells.get(key)];
      const [row, col] = [keyRow(key), keyCol(key)];
      if (mayChange(first.name, row, col)) continue;
      const ref = at(first.name, cellName(row, col));
      const where = derive(ref, [first.name, columnName(col), String(row)], 'the cell at that column and row of the sheet');
      const why = (what: string) => `${ref} ${what} since the task began; putting it back first, since ${reason}.`;
      const held = content(was);
      if (held !== content(is)) {
        const shownBefore = held === null ? 'nothing' : JSON.stringify(showValue(was!.value));
        return move('write_cells', { range: ref, values: [[held]] }, why(`held ${shownBefore} and was changed`), [where]);
      }
      const bold = was?.format?.bold === true;
      if (bold !== (is?.format?.bold === true)) return move('set_format', { range: ref, bold }, why(bold ? 'lost its bold' : 'was made bold'), [where]);
      if (was?.format?.fill === undefined && is?.format?.fill !== undefined)
        return move('set_format', { range: ref, fill_color: 'none' }, why('was filled'), [where]);
    }
  }
  return undefined;
}

/**
 * An infeasible task's last steps: put back what changed (`restoreMove`), then
 * `report_infeasible` with `reason`, derived from the shown `sources` by `how`.
 */
export function reportInfeasible(wb: Workbook, start: Workbook, reason: string, sources: readonly string[], how: string): ExpertStep {
  const derived: Derived[] = [derive(reason, sources, how)];
  return restoreMove(wb, start) ?? move(REPORT_INFEASIBLE, { reason }, `The task cannot be done as asked: ${reason}`, derived);
}
