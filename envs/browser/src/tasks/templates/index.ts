// One working family per shape, to copy with `workgym family new browser/<name> --like <shape>`.
import type { FamilyDef } from '../task.js';
import { templateFamily as findAnswer } from './find-answer.js';
import { templateFamily as formFilling } from './form-filling.js';

/** Every browser template; not in the shipped catalogue (FAMILIES), served by test/templates.test.ts. */
export const TEMPLATES: readonly FamilyDef[] = [formFilling, findAnswer];
