// Task sets a team brings to the code env (`--tasks`): each task becomes one family,
// code/<set>.<task id>, generated from its line of the file (the seed only repeats it).
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  assertUniqueTaskNames,
  readJsonLines,
  taskExcerpt,
  TaskSetError,
  taskFamilyName,
  taskSetName,
  taskVerifierVersion,
  unreadableTaskSet,
} from '@workgym/protocol/kit';
import type { FamilyDef, TaskInstance } from '../tasks/task.js';
import { GENERIC_NEAR_MISSES, GENERIC_SCHEMA, genericInstance, looksLikeGeneric, type GenericRow } from './generic.js';
import { REFERENCE_STRATEGY } from './expert.js';
import { HUMANEVAL_SCHEMA, humanEvalTask, looksLikeHumanEval, type HumanEvalRow } from './humaneval.js';
import { looksLikeMbpp, MBPP_SCHEMA, mbppTask, type MbppRow } from './mbpp.js';
import { PYTHON_FUNCTION_NEAR_MISSES, pythonFunctionInstance, type PythonFunctionTask } from './python-function.js';

const KNOWN_FORMATS =
  'the code env reads JSON Lines files (.jsonl, or .jsonl.gz) of HumanEval problems (task_id, prompt, entry_point, test, canonical_solution), ' +
  'MBPP problems (task_id, text, code, test_list) or workgym code tasks (id, instruction, files, check, reference; see docs/envs/code.md)';

/** The families of the task sets at `paths`, with each family's verifier version. */
export interface LoadedTaskSets {
  families: FamilyDef[];
  /** Family name -> verifier version: the loader's and judge's code version with the task's own content. */
  versions: Record<string, string>;
}

/** One task of a set, before it becomes a family. */
interface LoadedTask {
  set: string;
  id: string;
  description: string;
  nearMisses: readonly string[];
  /** The line as the file holds it, hashed into the verifier version. */
  content: unknown;
  instance: TaskInstance;
}

/**
 * Loads every task set (a file of one of the known formats, detected from its first line) as
 * families; `codeVersion` is the task-set code's verifier version. A path of another kind, a
 * bad line or two tasks with the same family name throw a TaskSetError naming the path.
 */
export function loadTaskSets(paths: readonly string[], codeVersion: string): LoadedTaskSets {
  const tasks = paths.flatMap(loadTaskSet);
  assertUniqueTaskNames(
    'code',
    tasks.map((t) => ({ name: taskFamilyName(t.set, t.id), id: `${t.set}/${t.id}` })),
  );
  const families: FamilyDef[] = [];
  const versions: Record<string, string> = {};
  for (const task of tasks) {
    const name = taskFamilyName(task.set, task.id);
    families.push({
      name,
      difficulty: 'medium',
      description: task.description,
      strategies: [REFERENCE_STRATEGY],
      nearMisses: task.nearMisses,
      // A brought task declares no components: its shaped reward is the share of its cases passed.
      components: [],
      // A fixed task: every seed and split is the same task (seeds are repeats).
      generate: () => task.instance,
    });
    versions[name] = taskVerifierVersion(codeVersion, task.content);
  }
  return { families, versions };
}

function loadTaskSet(path: string): LoadedTask[] {
  const file = basename(path);
  const gzipped = file.endsWith('.jsonl.gz');
  if (!isFile(path) || !(gzipped || file.endsWith('.jsonl'))) throw new TaskSetError(`${path}: not a task set the code env knows; ${KNOWN_FORMATS}`);
  const text = readText(path, gzipped);
  const first = firstRow(path, text);
  if (looksLikeHumanEval(first)) {
    return readJsonLines<HumanEvalRow>(path, HUMANEVAL_SCHEMA, text).map((row) =>
      pythonFunctionSetTask('humaneval', row.task_id, row, humanEvalTask(row), `HumanEval problem ${row.task_id} from ${file}: complete ${row.entry_point}`),
    );
  }
  if (looksLikeMbpp(first)) {
    return readJsonLines<MbppRow>(path, MBPP_SCHEMA, text).map((row) =>
      pythonFunctionSetTask('mbpp', String(row.task_id), row, mbppTask(row), `MBPP problem ${row.task_id} from ${file}: ${taskExcerpt(row.text)}`),
    );
  }
  if (looksLikeGeneric(first)) {
    const fileSet = taskSetName(file.replace(/\.jsonl(\.gz)?$/, ''));
    return readJsonLines<GenericRow>(path, GENERIC_SCHEMA, text).map((row) => {
      const set = row.set ?? fileSet;
      return {
        set,
        id: row.id,
        description: `${row.language ? `${row.language} task` : 'Task'} ${row.id} of ${file}: ${taskExcerpt(row.instruction)}`,
        nearMisses: GENERIC_NEAR_MISSES,
        content: row,
        instance: genericInstance(row, set, file),
      };
    });
  }
  throw new TaskSetError(
    `${path}: line 1 is none of the formats the code env knows (fields ${Object.keys(first).slice(0, 8).join(', ') || 'none'}); ${KNOWN_FORMATS}`,
  );
}

function pythonFunctionSetTask(set: string, id: string, row: unknown, task: PythonFunctionTask, description: string): LoadedTask {
  return {
    set,
    id,
    description: `${description} (the suite's own test judges; the expert writes the dataset's reference solution).`,
    nearMisses: PYTHON_FUNCTION_NEAR_MISSES,
    content: row,
    instance: pythonFunctionInstance(task),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch (error) {
    throw unreadableTaskSet(path, error);
  }
}

function readText(path: string, gzipped: boolean): string {
  try {
    const bytes = readFileSync(path);
    return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    throw unreadableTaskSet(path, error);
  }
}

/** The first non-blank line as an object, to tell the format; a line that is not one is named. */
function firstRow(path: string, text: string): Record<string, unknown> {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.trim() !== '');
  if (index < 0) throw new TaskSetError(`${path}: holds no task; ${KNOWN_FORMATS}`);
  let value: unknown;
  try {
    value = JSON.parse(lines[index]!);
  } catch (error) {
    throw new TaskSetError(`${basename(path)} line ${index + 1}: not JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new TaskSetError(`${basename(path)} line ${index + 1}: not a JSON object; ${KNOWN_FORMATS}`);
  return value as Record<string, unknown>;
}
