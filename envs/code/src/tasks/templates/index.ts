import { templateFamily as findAnswer } from './find-answer.js';
import { templateFamily as fixBug } from './fix-bug.js';
import { templateFamily as implementFunction } from './implement-function.js';
import type { FamilyDef } from '../task.js';

/**
 * The code env's family templates, one per shape: working families that `workgym family new
 * code/<name> --like <shape>` copies into src/tasks/. Not in the catalogue; a test runs the
 * conformance suite on `new CodeEnv(TEMPLATES)`, so a template that rots fails CI.
 */
export const TEMPLATES: readonly FamilyDef[] = [implementFunction, fixBug, findAnswer];
