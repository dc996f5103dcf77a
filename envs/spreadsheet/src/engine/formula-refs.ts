import { columnName, columnNumber, MAX_COLS, MAX_ROWS, quoteSheet } from './a1.js';

/** One reference as written in a formula: a cell, a range or whole columns, with `$` flags. */
export interface FormulaRef {
  /** The sheet named in the text (unquoted), if any. */
  sheet?: string;
  r1: number;
  c1: number;
  r2: number;
  c2: number;
  absR1: boolean;
  absC1: boolean;
  absR2: boolean;
  absC2: boolean;
  isRange: boolean;
  /** `A:C`: rows are not written. */
  wholeColumns: boolean;
  /** `3:5`: columns are not written. */
  wholeRows: boolean;
}

// A reference not glued to a name before it and not followed by "(" (LOG10( is a function).
const REF =
  /(?<![A-Za-z0-9_.$'!#])((?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!)?(?:(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})(?::(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7}))?|(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})|(\$?)(\d{1,7}):(\$?)(\d{1,7}))(?![A-Za-z0-9_(!])/g;

/** Calls `fn` on the parts of a formula outside string literals and joins the results. */
export function mapOutsideStrings(formula: string, fn: (code: string) => string): string {
  let out = '';
  let i = 0;
  while (i < formula.length) {
    const quote = formula.indexOf('"', i);
    if (quote < 0) {
      out += fn(formula.slice(i));
      break;
    }
    out += fn(formula.slice(i, quote));
    let end = quote + 1;
    for (;;) {
      const next = formula.indexOf('"', end);
      if (next < 0) {
        end = formula.length;
        break;
      }
      if (formula[next + 1] === '"') end = next + 2;
      else {
        end = next + 1;
        break;
      }
    }
    out += formula.slice(quote, end);
    i = end;
  }
  return out;
}

function parseMatch(m: RegExpExecArray): FormulaRef {
  const sheetPart = m[1];
  const sheet = sheetPart ? (sheetPart.startsWith("'") ? sheetPart.slice(1, -2).replace(/''/g, "'") : sheetPart.slice(0, -1)) : undefined;
  if (m[11] !== undefined) {
    return {
      sheet,
      r1: 1,
      c1: columnNumber(m[11]),
      r2: MAX_ROWS,
      c2: columnNumber(m[13]!),
      absR1: true,
      absC1: m[10] === '$',
      absR2: true,
      absC2: m[12] === '$',
      isRange: true,
      wholeColumns: true,
      wholeRows: false,
    };
  }
  if (m[15] !== undefined) {
    return {
      sheet,
      r1: Number(m[15]),
      c1: 1,
      r2: Number(m[17]),
      c2: MAX_COLS,
      absR1: m[14] === '$',
      absC1: true,
      absR2: m[16] === '$',
      absC2: true,
      isRange: true,
      wholeColumns: false,
      wholeRows: true,
    };
  }
  const c1 = columnNumber(m[3]!);
  const r1 = Number(m[5]);
  const isRange = m[7] !== undefined;
  return {
    sheet,
    r1,
    c1,
    r2: isRange ? Number(m[9]) : r1,
    c2: isRange ? columnNumber(m[7]!) : c1,
    absR1: m[4] === '$',
    absC1: m[2] === '$',
    absR2: isRange ? m[8] === '$' : m[4] === '$',
    absC2: isRange ? m[6] === '$' : m[2] === '$',
    isRange,
    wholeColumns: false,
    wholeRows: false,
  };
}

export function formatRef(ref: FormulaRef): string {
  const sheet = ref.sheet !== undefined ? `${quoteSheet(ref.sheet)}!` : '';
  if (ref.wholeColumns) {
    return `${sheet}${ref.absC1 ? '$' : ''}${columnName(ref.c1)}:${ref.absC2 ? '$' : ''}${columnName(ref.c2)}`;
  }
  if (ref.wholeRows) return `${sheet}${ref.absR1 ? '$' : ''}${ref.r1}:${ref.absR2 ? '$' : ''}${ref.r2}`;
  const a = `${ref.absC1 ? '$' : ''}${columnName(ref.c1)}${ref.absR1 ? '$' : ''}${ref.r1}`;
  if (!ref.isRange) return sheet + a;
  return `${sheet}${a}:${ref.absC2 ? '$' : ''}${columnName(ref.c2)}${ref.absR2 ? '$' : ''}${ref.r2}`;
}

/** Every reference in a formula (text without the leading "="). */
export function formulaRefs(formula: string): FormulaRef[] {
  const refs: FormulaRef[] = [];
  mapOutsideStrings(formula, (code) => {
    for (const m of code.matchAll(REF)) refs.push(parseMatch(m as RegExpExecArray));
    return code;
  });
  return refs;
}

/** Rewrites each reference with `fn`; null turns it into #REF!. */
export function rewriteRefs(formula: string, fn: (ref: FormulaRef) => FormulaRef | null): string {
  return writeRefs(formula, (ref) => {
    const next = fn(ref);
    return next ? formatRef(next) : '#REF!';
  });
}

/** Replaces each reference with the text `fn` gives. */
function writeRefs(formula: string, fn: (ref: FormulaRef) => string): string {
  return mapOutsideStrings(formula, (code) => code.replace(REF, (...args: unknown[]) => fn(parseMatch(args.slice(0, -2) as unknown as RegExpExecArray))));
}

/** Excel's last row: a range reaching it is a whole column to the engine. */
const EXCEL_ROWS = 1_048_576;

/**
 * The formula with whole columns (`$G:$G`) and whole rows (`3:3`) written as bounded ranges
 * reaching Excel's last row and column, which the formula parser reads right (it misreads
 * `$G:$G` and cannot parse `$3:$3`); the engine cuts such ranges to the used area.
 */
export function boundWholeLines(formula: string): string {
  if (!formula.includes(':')) return formula;
  let bounded = boundedCache.get(formula);
  if (bounded === undefined) {
    // Formulas are evaluated again and again and their text repeats (fills): the rewrite is
    // kept, up to a few million characters for all workbooks of the process.
    if (boundedChars > BOUNDED_CACHE_CHARS) {
      boundedCache.clear();
      boundedChars = 0;
    }
    bounded = bound(formula);
    boundedCache.set(formula, bounded);
    boundedChars += formula.length + bounded.length;
  }
  return bounded;
}

const BOUNDED_CACHE_CHARS = 4_000_000;
const boundedCache = new Map<string, string>();
let boundedChars = 0;

function bound(formula: string): string {
  return writeRefs(formula, (ref) => {
    if (!ref.wholeColumns && !ref.wholeRows) return formatRef(ref);
    const sheet = ref.sheet !== undefined ? `${quoteSheet(ref.sheet)}!` : '';
    const [c2, r2] = ref.wholeColumns ? [columnName(ref.c2), EXCEL_ROWS] : ['XFD', ref.r2];
    return `${sheet}${columnName(ref.c1)}${ref.r1}:${c2}${r2}`;
  });
}

const inBounds = (ref: FormulaRef) =>
  ref.r1 >= 1 && ref.c1 >= 1 && ref.r2 >= 1 && ref.c2 >= 1 && ref.r2 <= MAX_ROWS && ref.c2 <= MAX_COLS && ref.r1 <= MAX_ROWS && ref.c1 <= MAX_COLS;

/** The formula copied `dr` rows down and `dc` columns right: relative parts move, `$` parts stay. */
export function shiftFormula(formula: string, dr: number, dc: number): string {
  return rewriteRefs(formula, (ref) => {
    const next = { ...ref };
    if (!ref.wholeColumns) {
      if (!ref.absR1) next.r1 += dr;
      if (!ref.absR2) next.r2 += dr;
    }
    if (!ref.wholeRows) {
      if (!ref.absC1) next.c1 += dc;
      if (!ref.absC2) next.c2 += dc;
    }
    return inBounds(next) ? next : null;
  });
}

export type Axis = 'row' | 'col';

/** Rows (or columns) of one sheet: `count` of them inserted before `at`, or deleted from `at` on. */
export interface StructureEdit {
  kind: 'insert' | 'delete';
  axis: Axis;
  at: number;
  count: number;
}

/** Where row (or column) `line` is after `edit`; undefined when the edit deleted it. */
export function lineAfter(line: number, edit: StructureEdit): number | undefined {
  if (line < edit.at) return line;
  if (edit.kind === 'insert') return line + edit.count;
  return line >= edit.at + edit.count ? line - edit.count : undefined;
}

/**
 * How references change under `edit`: they follow the lines they point at; a range that lost
 * some of its lines shrinks, and a reference whose lines were all deleted becomes #REF!.
 * `refersTo` says whether a reference of this formula points at the edited sheet.
 */
export function adjustForStructure(formula: string, edit: StructureEdit, refersTo: (ref: FormulaRef) => boolean): string {
  return rewriteRefs(formula, (ref) => {
    if (!refersTo(ref)) return ref;
    if (edit.axis === 'row' ? ref.wholeColumns : ref.wholeRows) return ref;
    const [first, last] = edit.axis === 'row' ? [ref.r1, ref.r2] : [ref.c1, ref.c2];
    const newFirst = lineAfter(first, edit);
    const newLast = lineAfter(last, edit);
    if (newFirst === undefined && newLast === undefined) return null;
    // A range whose first (or last) line was deleted now starts (or ends) where the deleted lines were.
    const [lo, hi] = [newFirst ?? edit.at, newLast ?? edit.at - 1];
    const next = edit.axis === 'row' ? { ...ref, r1: lo, r2: hi } : { ...ref, c1: lo, c2: hi };
    return inBounds(next) ? next : null;
  });
}
