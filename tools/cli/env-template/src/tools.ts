import { defineTools, z } from '@workgym/protocol/kit';

/**
 * The tools the agent can call: a zod object each, with a description per field. The kit makes
 * the JSON Schemas the model reads (and the server checks calls against) and the parser.
 */
export const TOOLS = defineTools({
  open_note: {
    description: 'Show a note by its number in the list.',
    args: z.strictObject({ number: z.number().int().min(1).describe('The number the list shows before the title.') }),
  },
  answer: {
    description: 'Give the final answer: ends the episode.',
    args: z.strictObject({ text: z.string().min(1).describe('The answer, as short as the question allows.') }),
  },
});
