import { answerQuestion } from './answer-question.js';
import { askApproval } from './ask-approval.js';
import { askTarget } from './ask-target.js';
import { bkAgeingReport } from './bk-ageing-report.js';
import { bkBankReconcile } from './bk-bank-reconcile.js';
import { bkInvoiceTotals } from './bk-invoice-totals.js';
import { bkCurrencyConvert } from './bk-currency-convert.js';
import { bkCategoryMonthSummary } from './bk-category-month-summary.js';
import { bkFindDuplicatesMissing } from './bk-find-duplicates-missing.js';
import { bkTrialBalance } from './bk-trial-balance.js';
import { buildReport } from './build-report.js';
import { cleanNames } from './clean-names.js';
import { computedColumn } from './computed-column.js';
import { crossSheetLookup } from './cross-sheet-lookup.js';
import { dateArithmetic } from './date-arithmetic.js';
import { fixBrokenFormulas } from './fix-broken-formulas.js';
import { groupedSummary } from './grouped-summary.js';
import { highlightRows } from './highlight-rows.js';
import { removeDuplicates } from './remove-duplicates.js';
import { sortAndRank } from './sort-and-rank.js';
import type { FamilyDef } from './task.js';

/** Every generated family the env ships, in catalogue order. */
export const FAMILIES: readonly FamilyDef[] = [
  cleanNames,
  removeDuplicates,
  crossSheetLookup,
  groupedSummary,
  computedColumn,
  sortAndRank,
  highlightRows,
  fixBrokenFormulas,
  dateArithmetic,
  buildReport,
  answerQuestion,
  bkBankReconcile,
  bkInvoiceTotals,
  bkAgeingReport,
  bkCurrencyConvert,
  bkCategoryMonthSummary,
  bkFindDuplicatesMissing,
  bkTrialBalance,
  askTarget,
  askApproval,
];
