import type { FamilyDef } from '../task.js';
import { templateFamily as findAnswer } from './find-answer.js';
import { templateFamily as formulaColumn } from './formula-column.js';

/**
 * The spreadsheet env's family templates, one per shape: `workgym family new spreadsheet/<name>
 * --like <shape>` copies `templates/<shape>.ts` into a new family. They are not in the shipped
 * catalogue; test/templates.unit.test.ts runs the conformance suite on them.
 */
export const TEMPLATES: readonly FamilyDef[] = [formulaColumn, findAnswer];
