// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the package ships no types; this brings our declaration into every program that compiles this file
/// <reference path="../types/fast-formula-parser.d.ts" />
import * as formulajs from '@formulajs/formulajs';
import FormulaParser, { type Arg } from 'fast-formula-parser';
// A static import, so bundlers keep the one module instance the parser itself uses.
import helpers from 'fast-formula-parser/formulas/helpers.js';
import { LOOKUP_FUNCTIONS } from './lookups.js';
import { dateToSerial } from './values.js';

const { FormulaError } = FormulaParser;

// fast-formula-parser flattens every range argument (SUM, COUNT, MAX...) with reduce + concat,
// which copies the result once per row: a SUM over 10,000 rows x 2 columns took ~3 s and over
// 36 columns minutes. A linear flatten does the same work once.
Object.getPrototypeOf(helpers.FormulaHelpers).flattenDeep = function flattenDeep(array: unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack: { items: unknown[]; next: number }[] = [{ items: array, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.next++];
    if (Array.isArray(item)) stack.push({ items: item, next: 0 });
    else out.push(item);
  }
  return out;
};

// fast-formula-parser declares some functions (MAX, MATCH, SUMIFS, SUBSTITUTE...) as empty stubs
// that answer "not implemented"; they are recognised by their empty body.
const STUB = /^\([^)]*\)\s*=>\s*\{\s*\}$/;

type FormulajsFn = (...args: unknown[]) => unknown;
const fj = formulajs as unknown as Record<string, FormulajsFn | undefined>;

/** formulajs spells dotted names without the dot (RANK.EQ is RANKEQ). */
function formulajsFunction(name: string): FormulajsFn | undefined {
  const fn = fj[name] ?? fj[name.replace(/\./g, '')];
  return typeof fn === 'function' ? fn : undefined;
}

function fromFormulajs(result: unknown): unknown {
  if (result instanceof Error) return new FormulaError(result.message.startsWith('#') ? result.message : '#VALUE!');
  if (result instanceof Date) return dateToSerial(result);
  return result;
}

/** A formulajs function called with fast-formula-parser's arguments. */
function adapt(fn: FormulajsFn): (...args: Arg[]) => unknown {
  return (...args: Arg[]) => {
    const values = args.map((a) => (a.omitted ? undefined : a.value));
    for (const v of values) if (v instanceof FormulaError) throw v;
    return fromFormulajs(fn(...values));
  };
}

const collapse = (text: string) => text.replace(/ +/g, ' ').replace(/^ | $/g, '');

/** Characters an Excel cell holds at most; a text function whose result is longer gives #VALUE!. */
const MAX_TEXT = 32_767;

function text(arg: Arg | undefined): string {
  const v = arg?.value;
  if (v instanceof FormulaError) throw v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return v === null || v === undefined ? '' : String(v);
}

function integer(arg: Arg | undefined, fallback: number): number {
  if (!arg || arg.omitted || arg.value === null || arg.value === undefined) return fallback;
  if (arg.value instanceof FormulaError) throw arg.value;
  const n = Number(arg.value);
  if (!Number.isFinite(n)) throw FormulaError.VALUE;
  return Math.trunc(n);
}

/**
 * Where fast-formula-parser and Excel disagree on a function, Excel wins; and functions whose
 * output size an argument sets are held to Excel's own limits before they build anything (REPT
 * of a billion copies, padding to a billion places), so a formula cannot exhaust the server's
 * memory faster than the time limit of a slice stops it.
 */
const FIXES: Record<string, (...args: Arg[]) => unknown> = {
  // Excel's TRIM also collapses runs of inner spaces; fast-formula-parser's only trims the ends.
  TRIM: (arg: Arg) => collapse(text(arg)),
  REPT: (arg: Arg, times: Arg) => {
    const t = text(arg);
    const n = integer(times, 0);
    if (n < 0 || t.length * n > MAX_TEXT) throw FormulaError.VALUE;
    return t.repeat(n);
  },
  SUBSTITUTE: (arg: Arg, oldArg: Arg, newArg: Arg, instance?: Arg) => {
    const [t, from, to] = [text(arg), text(oldArg), text(newArg)];
    const nth = integer(instance, 0);
    if (instance && !instance.omitted && nth < 1) throw FormulaError.VALUE;
    if (from === '') return t;
    const parts = t.split(from);
    if (nth > 0) return nth < parts.length ? parts.slice(0, nth).join(from) + to + parts.slice(nth).join(from) : t;
    if (t.length + (parts.length - 1) * (to.length - from.length) > MAX_TEXT) throw FormulaError.VALUE;
    return parts.join(to);
  },
};

/** Arguments that set an output's size, with Excel's limits: [function, argument index, largest]. */
const SIZE_LIMITS: [string, number, number][] = [
  ...['DEC2BIN', 'DEC2OCT', 'DEC2HEX', 'BIN2OCT', 'BIN2HEX', 'OCT2BIN', 'OCT2HEX', 'HEX2BIN', 'HEX2OCT'].map((f): [string, number, number] => [f, 1, 10]),
  ['BASE', 2, 255],
  ['DOLLAR', 1, 127],
  ['FIXED', 1, 127],
  ['MUNIT', 0, 1_024],
];

/** `fn`, refusing (#NUM!) a size argument above its limit before running. */
function limited(fn: (...args: Arg[]) => unknown, index: number, largest: number): (...args: Arg[]) => unknown {
  return (...args: Arg[]) => {
    const a = args[index];
    const n = typeof a?.value === 'number' || typeof a?.value === 'string' ? Number(a.value) : 0;
    if (a && !a.omitted && Math.abs(n) > largest) throw FormulaError.NUM;
    return fn(...args);
  };
}

type ContextFunction = (context: unknown, ...args: unknown[]) => unknown;
interface RefResult {
  ref?: { sheet?: string; row?: number; col?: number };
}

/**
 * Functions that take the parser's context. fast-formula-parser's INDEX answers a cell of a
 * range on another sheet without that sheet, so the cell was read on the formula's own sheet
 * (INDEX(Products!C2:C7, 5) gave Orders!C6); the sheet of the range goes back on the answer.
 */
export function contextFunctions(): Record<string, ContextFunction> {
  const index = new FormulaParser().functions.INDEX as unknown as ContextFunction;
  return {
    INDEX: (context, ranges, ...rest) => {
      const sheet = (ranges as RefResult | undefined)?.ref?.sheet ?? (ranges as { refs?: RefResult[] } | undefined)?.refs?.[0]?.ref?.sheet;
      const result = index(context, ranges, ...rest) as RefResult | undefined;
      if (result && typeof result === 'object' && result.ref && result.ref.sheet === undefined && sheet !== undefined) result.ref.sheet = sheet;
      return result;
    },
  };
}

/** The functions added to the parser, and which engine each function comes from. */
export interface FunctionTable {
  functions: Record<string, (...args: never[]) => unknown>;
  /** Functions evaluated by formulajs (fast-formula-parser lacks them or only stubs them). */
  fromFormulajs: string[];
  /** Functions fast-formula-parser implements itself. */
  builtin: string[];
  /** Functions written here (lookups.ts, the fixes) or given their Excel 2007 names. */
  own: string[];
}

let table: FunctionTable | undefined;

/**
 * The functions the engine adds to fast-formula-parser: formulajs for every function the parser
 * only stubs or lacks, and the fixes above. Built once.
 */
export function functionTable(): FunctionTable {
  if (table) return table;
  const base = new FormulaParser().functions as Record<string, (...args: never[]) => unknown>;
  const functions: Record<string, (...args: Arg[]) => unknown> = {};
  const fromFj: string[] = [];
  const builtin: string[] = [];
  for (const [name, fn] of Object.entries(base)) {
    if (!STUB.test(fn.toString())) builtin.push(name);
  }
  const builtinSet = new Set(builtin);
  const candidates = new Set([...Object.keys(base), ...Object.keys(fj).filter((k) => /^[A-Z][A-Z0-9.]*$/.test(k))]);
  for (const name of candidates) {
    if (builtinSet.has(name)) continue;
    const fn = formulajsFunction(name);
    if (!fn) continue;
    functions[name] = adapt(fn);
    fromFj.push(name);
  }
  // Dotted Excel names formulajs keeps without the dot.
  for (const dotted of ['RANK.EQ', 'RANK.AVG', 'STDEV.S', 'STDEV.P', 'VAR.S', 'VAR.P', 'PERCENTILE.INC', 'QUARTILE.INC', 'MODE.SNGL']) {
    if (!builtinSet.has(dotted) && !functions[dotted]) {
      const fn = formulajsFunction(dotted);
      if (fn) {
        functions[dotted] = adapt(fn);
        fromFj.push(dotted);
      }
    }
  }
  // Excel 2007 names of functions Excel 2010 renamed: the same functions.
  const own = [...Object.keys(FIXES), ...Object.keys(LOOKUP_FUNCTIONS)];
  for (const [old, current] of [
    ['RANK', 'RANK.EQ'],
    ['STDEV', 'STDEV.S'],
    ['MODE', 'MODE.SNGL'],
    ['VAR', 'VAR.S'],
    ['PERCENTILE', 'PERCENTILE.INC'],
    ['QUARTILE', 'QUARTILE.INC'],
  ] as const) {
    if (builtinSet.has(old) || functions[old] || !functions[current]) continue;
    functions[old] = functions[current];
    own.push(old);
  }
  Object.assign(functions, FIXES, LOOKUP_FUNCTIONS);
  for (const [name, index, largest] of SIZE_LIMITS) {
    const fn = functions[name] ?? (base[name] as unknown as ((...args: Arg[]) => unknown) | undefined);
    if (fn) functions[name] = limited(fn, index, largest);
  }
  table = { functions, fromFormulajs: fromFj.sort(), builtin: builtin.sort(), own: own.sort() };
  return table;
}
