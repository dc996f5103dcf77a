import { columnNumber } from '../engine/a1.js';

/**
 * One rectangle of an answer position, 1-based and inclusive. `sheet` is undefined when the
 * position named none (SpreadsheetBench then means the answer workbook's first sheet); a whole
 * column runs to `bottom: Infinity`, so no range is materialised or refused for its size.
 */
export interface AnswerRange {
  sheet?: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
  /** The part of the position this range was read from, for messages. */
  text: string;
}

/** An answer position that names no cells the benchmark could compare. */
export class AnswerPositionError extends Error {
  override readonly name = 'AnswerPositionError';
}

const CELL = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/;
const COLUMN = /^\$?([A-Za-z]{1,3})$/;

/**
 * The ranges of a SpreadsheetBench answer position, read as its evaluation reads them: parts
 * split at commas, the sheet before the "!", quotes stripped from both ends of the sheet and of
 * the cells. So every spelling of the released data reads: `'Sheet1'!A2:B19,'Sheet1'!D2:D19`,
 * `'Sheet1!'A2:B19` (quote after the "!"), `Updated Data'!B5:B9` (unbalanced quote), sheet names
 * with spaces, single cells and whole columns (`G:G`, which the upstream script cannot read).
 */
export function parseAnswerPosition(position: string): AnswerRange[] {
  const parts = position
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new AnswerPositionError(`answer position ${JSON.stringify(position)} names no cells`);
  return parts.map(parseAnswerRange);
}

function parseAnswerRange(text: string): AnswerRange {
  const bang = text.lastIndexOf('!');
  const sheet = bang >= 0 ? stripQuotes(text.slice(0, bang)).replace(/''/g, "'") : undefined;
  if (sheet === '') throw new AnswerPositionError(`answer position part ${JSON.stringify(text)} has an empty sheet name`);
  const cells = stripQuotes(text.slice(bang + 1)).trim();
  const [first = '', second = first, extra] = cells.split(':');
  const bad = () => new AnswerPositionError(`answer position part ${JSON.stringify(text)} is not a cell, a range or whole columns (A2, A2:B19, G:G)`);
  if (extra !== undefined) throw bad();
  const a = CELL.exec(first);
  const b = CELL.exec(second);
  let range: Omit<AnswerRange, 'text' | 'sheet'>;
  if (a && b) {
    range = { top: Number(a[2]), left: columnNumber(a[1]!), bottom: Number(b[2]), right: columnNumber(b[1]!) };
  } else {
    const ca = COLUMN.exec(first);
    const cb = COLUMN.exec(second);
    if (!ca || !cb || !cells.includes(':')) throw bad();
    range = { top: 1, left: columnNumber(ca[1]!), bottom: Infinity, right: columnNumber(cb[1]!) };
  }
  if (range.top > range.bottom) [range.top, range.bottom] = [range.bottom, range.top];
  if (range.left > range.right) [range.left, range.right] = [range.right, range.left];
  if (range.top < 1) throw bad();
  return { ...range, ...(sheet !== undefined ? { sheet: sheet.trim() } : {}), text };
}

function stripQuotes(text: string): string {
  return text.trim().replace(/^'+|'+$/g, '');
}
