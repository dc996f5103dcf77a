import { readJsonLines } from '@workgym/protocol/kit';
import type { McpTask } from '../task.js';

// A path inside the workspace: relative, with no `..` part and no empty part.
const RELATIVE_PATH = '^(?!/)(?!.*(^|/)\\.\\.?(/|$))(?!.*//)[^\\u0000]+$';

/** The MCP env's task format, one task a line (printed in docs/envs/mcp.md). */
export const MCP_TASK_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'workgym mcp task',
  type: 'object',
  required: ['id', 'instruction'],
  additionalProperties: false,
  properties: {
    id: { type: ['string', 'integer'], minLength: 1, description: 'Stable task id: the family is mcp/<set>.<id>.' },
    instruction: { type: 'string', minLength: 1, description: 'What the agent is asked; the env adds where the files are.' },
    files: {
      type: 'object',
      description: 'The workspace at the start: path relative to the workspace -> text content.',
      propertyNames: { pattern: RELATIVE_PATH },
      additionalProperties: { type: 'string' },
    },
    check: {
      type: 'string',
      minLength: 1,
      description:
        'A /bin/sh command run in the workspace ($WORKSPACE) after the episode, once the MCP server has stopped: exit 0 passes. The agent never sees it.',
    },
    expect_files: {
      type: 'object',
      description: 'The files the workspace must end with: path -> exact content, or null for "must not exist".',
      propertyNames: { pattern: RELATIVE_PATH },
      additionalProperties: { type: ['string', 'null'] },
    },
  },
  anyOf: [{ required: ['check'] }, { required: ['expect_files'] }],
} as const;

/** One line of a task file, as written. */
export interface TaskLine {
  id: string | number;
  instruction: string;
  files?: Record<string, string>;
  check?: string;
  expect_files?: Record<string, string | null>;
}

/** The tasks of an MCP task file (see MCP_TASK_SCHEMA); a bad line throws a TaskSetError naming line and field. */
export function readTaskFile(file: string): TaskLine[] {
  return readJsonLines<TaskLine>(file, MCP_TASK_SCHEMA);
}

/** A task-file line as a session plays it: its instruction says where the files are; it has no expert. */
export function taskOfLine(line: TaskLine, root: string): McpTask {
  return {
    instruction: `${line.instruction}\n\nThe files are in ${root}.`,
    files: line.files ?? {},
    verifier: {
      ...(line.check !== undefined ? { check: line.check } : {}),
      ...(line.expect_files !== undefined ? { files: line.expect_files } : {}),
    },
  };
}
