import { statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { TaskFamily } from '@workgym/protocol';
import { assertUniqueTaskNames, taskExcerpt, taskFamilyName, taskSetName, TaskSetError, taskVerifierVersion, unreadableTaskSet } from '@workgym/protocol/kit';
import type { McpTask } from '../task.js';
import { readTaskFile, taskOfLine } from './task-file.js';

/** A task of a task file: the family it is, and the task once the workspace's path is known. */
export interface SetTask {
  family: TaskFamily;
  task(root: string): McpTask;
}

/**
 * The tasks of every task file in `paths` (a `.jsonl` file, or a folder holding `tasks.jsonl`),
 * by family id: each task is one family `<env>/<set>.<task id>`, the set named after the file
 * (`tidy.jsonl` -> `tidy`) or the folder.
 */
export function loadTaskSets(paths: readonly string[], env: string, job: string, loaderVersion: string): Map<string, SetTask> {
  const tasks = new Map<string, SetTask>();
  for (const path of paths) {
    const { file, set } = taskFile(path);
    const lines = readTaskFile(file);
    const named = lines.map((line) => ({ line, name: taskFamilyName(set, String(line.id)) }));
    assertUniqueTaskNames(
      set,
      named.map(({ line, name }) => ({ name, id: String(line.id) })),
    );
    for (const { line, name } of named) {
      const id = `${env}/${name}`;
      if (tasks.has(id)) throw new TaskSetError(`${path}: family ${id} is already given by another task set`);
      tasks.set(id, {
        family: {
          id,
          job,
          difficulty: 'medium',
          description: `Task ${line.id} of ${basename(file)}: ${taskExcerpt(line.instruction)}`,
          splits: ['train', 'test'],
          strategies: [],
          nearMisses: [],
          verifierVersion: taskVerifierVersion(loaderVersion, line),
        },
        task: (root) => taskOfLine(line, root),
      });
    }
  }
  return tasks;
}

function taskFile(path: string): { file: string; set: string } {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    throw unreadableTaskSet(path, error);
  }
  if (isDir) return { file: join(path, 'tasks.jsonl'), set: taskSetName(basename(path)) };
  if (extname(path) === '.jsonl') return { file: path, set: taskSetName(basename(path, '.jsonl')) };
  throw new TaskSetError(`${path}: not a task set the mcp env knows; it reads an MCP task file (.jsonl, one task a line; or a folder holding tasks.jsonl)`);
}
