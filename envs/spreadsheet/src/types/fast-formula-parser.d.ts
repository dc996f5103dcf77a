// fast-formula-parser ships no types; this declares the part the engine uses.
declare module 'fast-formula-parser' {
  export interface CellRef {
    sheet: string;
    row: number;
    col: number;
  }
  export interface RangeRef {
    sheet: string;
    from: { row: number; col: number };
    to: { row: number; col: number };
  }
  export interface Arg {
    value: unknown;
    isArray: boolean;
    isRangeRef?: boolean;
    isCellRef?: boolean;
    omitted?: boolean;
  }
  export class FormulaError extends Error {
    constructor(error: string, msg?: string, details?: unknown);
    readonly error: string;
    static readonly DIV0: FormulaError;
    static readonly NA: FormulaError;
    static readonly NAME: FormulaError;
    static readonly NULL: FormulaError;
    static readonly NUM: FormulaError;
    static readonly REF: FormulaError;
    static readonly VALUE: FormulaError;
  }
  export interface ParserConfig {
    functions?: Record<string, (...args: Arg[]) => unknown>;
    /** Functions called with the parser's context first (references, not values). */
    functionsNeedContext?: Record<string, (context: unknown, ...args: unknown[]) => unknown>;
    onCell?: (ref: CellRef) => unknown;
    onRange?: (ref: RangeRef) => unknown[][];
    onVariable?: (name: string, sheet: string) => unknown;
  }
  export default class FormulaParser {
    constructor(config?: ParserConfig);
    functions: Record<string, (...args: never[]) => unknown>;
    parse(formula: string, position: { sheet: string; row: number; col: number }, allowReturnArray?: boolean): unknown;
    static FormulaError: typeof FormulaError;
  }
}

declare module 'fast-formula-parser/formulas/helpers.js' {
  const helpers: { FormulaHelpers: { flattenDeep(array: unknown[]): unknown[] } };
  export default helpers;
}
