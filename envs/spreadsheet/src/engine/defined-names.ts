import { mapOutsideStrings } from './formula-refs.js';
import type { Sheet } from './sheet.js';

/** A defined name of the workbook file (`TaxRate` = `Settings!$B$1`), for the whole workbook or one sheet. */
export interface DefinedName {
  name: string;
  /** The sheet the name belongs to; undefined for a workbook-wide name. */
  scope?: Sheet;
  /** What it stands for, as a formula without "=" (a reference, a constant or an expression). */
  formula: string;
}

const NAME = /(?<![A-Za-z0-9_.\\$!'\]])[A-Za-z_\\][A-Za-z0-9_.\\?]*(?![A-Za-z0-9_.\\?[(!])/g;
const PLAIN_REFERENCE = /^(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_.]*)!\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?$/;

/**
 * The formula with the defined names it uses replaced by what they stand for: a reference as
 * written, anything else in parentheses. A name of the formula's sheet wins over a workbook-wide
 * one, as in Excel. Names are replaced once (a name standing for another name is not followed).
 */
export function resolveNames(formula: string, sheet: Sheet, names: readonly DefinedName[]): string {
  if (names.length === 0) return formula;
  return mapOutsideStrings(formula, (code) =>
    code.replace(NAME, (word) => {
      const lower = word.toLowerCase();
      const found = names.find((n) => n.scope === sheet && n.name.toLowerCase() === lower) ?? names.find((n) => !n.scope && n.name.toLowerCase() === lower);
      if (!found) return word;
      return PLAIN_REFERENCE.test(found.formula) ? found.formula : `(${found.formula})`;
    }),
  );
}
