import FormulaParser, { type Arg } from 'fast-formula-parser';

// Excel 365 functions fast-formula-parser and formulajs lack, written to Excel's documentation:
// XLOOKUP, XMATCH and HYPERLINK.

const { FormulaError } = FormulaParser;

type Scalar = number | string | boolean | null;

/** A range or array argument as a list of its cells, with its shape. */
function grid(arg: Arg | undefined): Scalar[][] {
  const v = arg?.value;
  if (v instanceof FormulaError) throw v;
  if (Array.isArray(v)) return v as Scalar[][];
  return [[v as Scalar]];
}

function scalar(arg: Arg | undefined): Scalar {
  let v = arg?.value;
  if (Array.isArray(v)) v = (v[0] as unknown[] | undefined)?.[0];
  if (v instanceof FormulaError) throw v;
  return (v ?? null) as Scalar;
}

function option(arg: Arg | undefined, fallback: number, allowed: number[]): number {
  if (!arg || arg.omitted) return fallback;
  const n = Number(scalar(arg));
  if (!allowed.includes(n)) throw FormulaError.VALUE;
  return n;
}

/** A lookup array's cells in order: one row or one column, or #VALUE!. */
function vector(arg: Arg | undefined): { cells: Scalar[]; byRow: boolean } {
  const g = grid(arg);
  if (g.length === 1) return { cells: g[0]!, byRow: false };
  if (g.every((row) => row.length === 1)) return { cells: g.map((row) => row[0]!), byRow: true };
  throw FormulaError.VALUE;
}

const rank = (v: Scalar) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : 3);

/** Excel's order for lookups: numbers < text (case-insensitive) < logicals; undefined across kinds. */
function compare(a: Scalar, b: Scalar): number | undefined {
  if (rank(a) !== rank(b)) return undefined;
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
  return Number(a) - Number(b);
}

function wildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '~' && i + 1 < pattern.length) source += escape(pattern[++i]!);
    else if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += escape(ch);
  }
  return new RegExp(`^${source}$`, 'is');
}

const escape = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The 0-based index XLOOKUP/XMATCH find, or -1. */
function find(wanted: Scalar, cells: Scalar[], matchMode: number, searchMode: number): number {
  const order = cells.map((_, i) => i);
  if (searchMode < 0) order.reverse();
  const pattern = matchMode === 2 && typeof wanted === 'string' ? wildcard(wanted) : undefined;
  let best = -1;
  for (const i of order) {
    const cell = cells[i]!;
    if (pattern) {
      if (typeof cell === 'string' && pattern.test(cell)) return i;
      continue;
    }
    const c = compare(cell, wanted === null ? 0 : wanted);
    if (c === undefined) continue;
    if (c === 0) return i;
    // -1: the largest below; 1: the smallest above.
    if (
      (matchMode === -1 && c < 0 && (best < 0 || compare(cell, cells[best]!)! > 0)) ||
      (matchMode === 1 && c > 0 && (best < 0 || compare(cell, cells[best]!)! < 0))
    ) {
      best = i;
    }
  }
  return best;
}

const MATCH_MODES = [0, -1, 1, 2];
const SEARCH_MODES = [1, -1, 2, -2];

export const LOOKUP_FUNCTIONS: Record<string, (...args: Arg[]) => unknown> = {
  XLOOKUP: (wanted: Arg, lookup: Arg, results: Arg, ifNotFound?: Arg, match?: Arg, search?: Arg) => {
    const { cells, byRow } = vector(lookup);
    const table = grid(results);
    if ((byRow ? table.length : table[0]!.length) !== cells.length) throw FormulaError.VALUE;
    const i = find(scalar(wanted), cells, option(match, 0, MATCH_MODES), option(search, 1, SEARCH_MODES));
    if (i < 0) {
      if (ifNotFound && !ifNotFound.omitted) return ifNotFound.value;
      throw FormulaError.NA;
    }
    return byRow ? [table[i]!] : table.map((row) => [row[i]!]);
  },
  XMATCH: (wanted: Arg, lookup: Arg, match?: Arg, search?: Arg) => {
    const i = find(scalar(wanted), vector(lookup).cells, option(match, 0, MATCH_MODES), option(search, 1, SEARCH_MODES));
    if (i < 0) throw FormulaError.NA;
    return i + 1;
  },
  // A cell shows the link's friendly name (or the location): that is the value other formulas read.
  HYPERLINK: (location: Arg, name?: Arg) => (name && !name.omitted ? scalar(name) : scalar(location)) ?? 0,
};
