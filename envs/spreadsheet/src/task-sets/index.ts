import { existsSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { TaskFamily } from '@workgym/protocol';
import { assertUniqueTaskNames, taskExcerpt, taskFamilyName, taskSetName, TaskSetError, taskVerifierVersion, unreadableTaskSet } from '@workgym/protocol/kit';
import { TASK_NEAR_MISSES, TASK_STRATEGIES } from '../spreadsheetbench/family.js';
import type { BenchTask } from '../spreadsheetbench/spreadsheetbench-task.js';
import { readGenericTasks } from './generic.js';
import { readSpreadsheetBenchFolder } from './spreadsheetbench-folder.js';

/** A task of a task set: the family it is, and its workbooks, read at reset. */
export interface SetTask {
  family: TaskFamily;
  load(): Promise<BenchTask>;
}

/** The layouts `--tasks` may name for the spreadsheet env. */
export const TASK_SET_LAYOUTS = [
  'a SpreadsheetBench folder as released (dataset.json, spreadsheet/<id>/<n>_<id>_input.xlsx and _answer.xlsx)',
  'a generic spreadsheet task file (.jsonl, one task a line; or a folder holding tasks.jsonl)',
];

/** The verifier code versions a task's own version is hashed with: the generated VERIFIER_VERSIONS entries. */
export interface LoaderVersions {
  spreadsheetbench: string;
  generic: string;
}

/**
 * The tasks of every task set in `paths`, by family id, each task one family
 * `spreadsheet/<set>.<task id>`. A SpreadsheetBench folder is the set `spreadsheetbench`; a
 * generic file is the set named after it (`sales.jsonl` → `sales`, a folder's `tasks.jsonl` →
 * the folder's name). Only indexes and folder listings are read here.
 */
export function loadTaskSets(paths: readonly string[], job: string, versions: LoaderVersions): Map<string, SetTask> {
  const tasks = new Map<string, SetTask>();
  for (const path of paths) {
    for (const task of loadTaskSet(path, job, versions)) {
      if (tasks.has(task.family.id!)) throw new TaskSetError(`${path}: family ${task.family.id} is already given by another task set`);
      tasks.set(task.family.id!, task);
    }
  }
  return tasks;
}

function loadTaskSet(path: string, job: string, versions: LoaderVersions): SetTask[] {
  const kind = layout(path);
  if (kind === 'spreadsheetbench') {
    const entries = readSpreadsheetBenchFolder(path);
    return named(
      'spreadsheetbench',
      entries,
      (e) => ({
        description: `SpreadsheetBench task ${e.id}${e.instructionType ? ` (${e.instructionType})` : ''}: ${taskExcerpt(e.instruction)}`,
        version: taskVerifierVersion(versions.spreadsheetbench, { ...e, load: undefined, files: e.files.map((f) => sizes(path, f)) }),
        load: e.load,
      }),
      job,
    );
  }
  const file = kind === 'jsonl' ? path : join(path, 'tasks.jsonl');
  const set = taskSetName(kind === 'jsonl' ? basename(path, extname(path)) : basename(path));
  const entries = readGenericTasks(file);
  return named(
    set,
    entries,
    (e) => ({
      description: `Task ${e.id} of ${basename(file)}: ${taskExcerpt(e.line.instruction)}`,
      version: taskVerifierVersion(versions.spreadsheetbench + versions.generic, e.line),
      load: e.load,
    }),
    job,
  );
}

function layout(path: string): 'spreadsheetbench' | 'jsonl' | 'folder-jsonl' {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    throw unreadableTaskSet(path, error);
  }
  if (isDir && existsSync(join(path, 'dataset.json'))) return 'spreadsheetbench';
  if (isDir && existsSync(join(path, 'tasks.jsonl'))) return 'folder-jsonl';
  if (!isDir && extname(path) === '.jsonl') return 'jsonl';
  throw new TaskSetError(`${path}: not a task set the spreadsheet env knows; it reads ${TASK_SET_LAYOUTS.join(', or ')}`);
}

function named<E extends { id: string }>(
  set: string,
  entries: readonly E[],
  describe: (e: E) => { description: string; version: string; load: () => Promise<BenchTask> },
  job: string,
): SetTask[] {
  const tasks = entries.map((e) => ({ e, name: taskFamilyName(set, e.id) }));
  assertUniqueTaskNames(
    set,
    tasks.map(({ e, name }) => ({ name, id: e.id })),
  );
  return tasks.map(({ e, name }) => {
    const { description, version, load } = describe(e);
    return {
      family: {
        id: `spreadsheet/${name}`,
        job,
        difficulty: 'hard',
        description,
        splits: ['train', 'test'],
        strategies: [...TASK_STRATEGIES],
        nearMisses: [...TASK_NEAR_MISSES],
        verifierVersion: version,
      },
      load,
    };
  });
}

function sizes(dir: string, f: { input: string; answer: string }): [string, number, number] {
  return [f.input, statSync(join(dir, f.input)).size, statSync(join(dir, f.answer)).size];
}
