// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the package ships no types; this brings our declaration into every program that compiles this file
/// <reference path="../types/fast-formula-parser.d.ts" />
import * as formulajs from '@formulajs/formulajs';
import FormulaParser, { type Arg } from 'fast-formula-parser';
import { dateToSerial } from './values.js';

const { FormulaError } = FormulaParser;

// fast-formula-parser declares some functions (MAX, MATCH, SUMIFS...) as empty stubs that
// answer "not implemented"; they are recognised by their empty body.
const STUB = /^\(\)\s*=>\s*\{\s*\}$/;

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

/** Where fast-formula-parser and Excel disagree on a function, Excel wins. */
const FIXES: Record<string, (...args: Arg[]) => unknown> = {
  // Excel's TRIM also collapses runs of inner spaces; fast-formula-parser's only trims the ends.
  TRIM: (text: Arg) => {
    if (text.value instanceof FormulaError) throw text.value;
    return collapse(String(text.value ?? ''));
  },
};

/** The functions added to the parser, and which engine each function comes from. */
export interface FunctionTable {
  functions: Record<string, (...args: never[]) => unknown>;
  /** Functions evaluated by formulajs (fast-formula-parser lacks them or only stubs them). */
  fromFormulajs: string[];
  /** Functions fast-formula-parser implements itself. */
  builtin: string[];
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
  Object.assign(functions, FIXES);
  table = { functions, fromFormulajs: fromFj.sort(), builtin: builtin.sort() };
  return table;
}
