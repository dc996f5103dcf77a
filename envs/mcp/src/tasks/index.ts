import { organiseFiles } from './organise-files.js';
import type { FamilyDef } from '../task.js';

/** Every generated family the mcp env ships, in catalogue order. */
export const FAMILIES: readonly FamilyDef[] = [organiseFiles];
