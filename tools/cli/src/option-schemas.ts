import { z } from 'zod';
import { PARALLEL, type NumberRule } from './options.js';

/**
 * A number option's rule (options.ts) as a zod schema, for what is checked as a whole: a rollout
 * config (a file and flags) and the agent options. zod's own wording unless the rule has one.
 */
export function numberSchema(rule: NumberRule): z.ZodNumber {
  const message = rule.describe;
  let schema = z.number();
  if (rule.integer) schema = schema.int(message);
  if (rule.min !== undefined) schema = schema.min(rule.min, message);
  if (rule.above !== undefined) schema = schema.gt(rule.above, message);
  if (rule.max !== undefined) schema = schema.max(rule.max, message);
  return schema;
}

/** --parallel in a rollout config: a count or auto (the flag's rule, options.ts PARALLEL). */
export const parallelSchema = z.union([numberSchema(PARALLEL), z.literal('auto')], { error: PARALLEL.describe });
