import { defineTools, z } from '@workgym/protocol/kit';

export const MAX_TIMEOUT_S = 600;
export const DEFAULT_TIMEOUT_S = 30;

const path = z.string().min(1).describe('A path relative to the workspace (or absolute inside it).');

/** The code env's tools, defined once: JSON Schema for the model and the server, typed arguments for the session. */
export const TOOLS = defineTools({
  bash: {
    description:
      'Run a bash command in the workspace as an unprivileged user, without network. Each call starts a fresh shell in the workspace ' +
      '(cd and variables do not carry over; files do). When the command ends, every process it started is killed, background ones too. ' +
      'Returns the exit code, duration, stdout and stderr; ' +
      'long output keeps its beginning and end and says how much was cut. Python 3, Node.js, git and sqlite3 are installed. ' +
      'Whatever you leave changed in the workspace counts as your work: keep scratch files in /tmp.',
    args: z.strictObject({
      command: z.string().min(1).describe('The bash command line to run.'),
      timeout_s: z
        .number()
        .int()
        .min(1)
        .max(MAX_TIMEOUT_S)
        .optional()
        .describe(`Seconds before the command and its process group are killed (default ${DEFAULT_TIMEOUT_S}).`),
    }),
  },
  read_file: {
    description: 'Show a text file of the workspace, or a range of its lines.',
    args: z.strictObject({
      path,
      start_line: z.number().int().min(1).optional().describe('First line to show (1-based, default 1).'),
      end_line: z.number().int().min(1).optional().describe('Last line to show (inclusive, default the last).'),
    }),
  },
  write_file: {
    description: 'Create or overwrite a file of the workspace with the given content (parent directories are created).',
    args: z.strictObject({ path, content: z.string().describe('The whole new content of the file.') }),
  },
  edit_file: {
    description: 'Replace one exact occurrence of `old` with `new` in a file; fails if `old` occurs zero or several times.',
    args: z.strictObject({
      path,
      old: z.string().min(1).describe('Text that occurs exactly once in the file, whitespace included.'),
      new: z.string().describe('The text to put in its place.'),
    }),
  },
  list_files: {
    description: 'List the files and directories under a workspace path, with sizes.',
    args: z.strictObject({
      path: path.optional().describe('Directory to list (default: the workspace).'),
      depth: z.number().int().min(1).max(10).optional().describe('How many directory levels to descend (default 2).'),
    }),
  },
  run_tests: { description: "Run the task's visible tests and show their results.", args: z.strictObject({}) },
  submit: { description: 'Finish the task: ends the episode and runs the hidden checks.', args: z.strictObject({}) },
  answer: {
    description: 'Give the final answer to the question: ends the episode and checks the answer.',
    args: z.strictObject({ text: z.string().min(1).max(10_000).describe('Your final answer, as short as the question allows.') }),
  },
});

export type ToolName = (typeof TOOLS.names)[number];
