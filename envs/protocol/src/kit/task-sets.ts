// Task sets: tasks a team brings (a file or folder named with `--tasks`), loaded by the env that
// runs them. The CLI names the paths; an env server finds them in WORKGYM_TASKS (under Docker
// the runtime mounts each read-only and names the mount), an in-process env in its options
// (EnvCreateOptions).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

/** The environment variable that carries an env server's task-set paths (a JSON array of strings). */
export const TASKS_ENV = 'WORKGYM_TASKS';

/** A task set that cannot be read: the message names the file, and the line and field where there is one. */
export class TaskSetError extends Error {
  override readonly name = 'TaskSetError';
}

/** The task-set paths an env server was started with ($WORKGYM_TASKS), or none. */
export function taskSetPathsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env[TASKS_ENV];
  if (!raw) return [];
  let paths: unknown;
  try {
    paths = JSON.parse(raw);
  } catch {
    throw new TaskSetError(`${TASKS_ENV} must be a JSON array of paths, got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new TaskSetError(`${TASKS_ENV} must be a JSON array of paths, got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  return paths as string[];
}

/** The value of WORKGYM_TASKS that names `paths`. */
export function taskSetEnvValue(paths: readonly string[]): string {
  return JSON.stringify(paths);
}

const ajv = new Ajv2020({ allErrors: false, strict: false });

/**
 * The lines of a JSON Lines file, each checked against `schema` (a JSON Schema, the one the env's
 * docs publish). Blank lines are skipped; a bad line throws a TaskSetError naming the file, the
 * line and the field: `tasks.jsonl line 3: field "entry_point": must be string`. `content` is
 * the file's text when the caller has already read it (a decompressed `.jsonl.gz`).
 */
export function readJsonLines<T>(file: string, schema: object, content?: string): T[] {
  let text: string;
  try {
    text = content ?? readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadableTaskSet(file, error);
  }
  const validate = ajv.compile<T>(schema);
  const rows: T[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${basename(file)} line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new TaskSetError(`${where}: not JSON (${(error as Error).message})`);
    }
    if (!validate(value)) throw new TaskSetError(`${where}: ${describeError(validate.errors?.[0])}`);
    rows.push(value);
  });
  return rows;
}

function describeError(error: ErrorObject | undefined): string {
  if (!error) return 'does not match the task schema';
  if (error.keyword === 'required') return `field "${fieldPath(error.instancePath, String(error.params.missingProperty))}" is missing`;
  if (error.keyword === 'additionalProperties')
    return `field "${fieldPath(error.instancePath, String(error.params.additionalProperty))}" is not part of the format`;
  const field = fieldPath(error.instancePath);
  return field ? `field "${field}" ${error.message ?? 'is invalid'}` : (error.message ?? 'does not match the task schema');
}

function fieldPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').slice(1);
  if (child !== undefined) parts.push(child);
  return parts.join('.');
}

/**
 * The family id part for a task of a set: `<set>.<task id>`, with characters outside
 * [A-Za-z0-9_-] in the id turned into `-` ("HumanEval/0" → "humaneval.HumanEval-0"), so every
 * task is a family that `--family` globs select and records name the same way in every run.
 */
export function taskFamilyName(set: string, taskId: string): string {
  return `${set}.${taskId.replace(OUTSIDE_NAME, '-')}`;
}

const OUTSIDE_NAME = /[^A-Za-z0-9_-]/g;

/** A set's name from its file or folder name, as family names start: characters outside [A-Za-z0-9_-] as `-`. */
export function taskSetName(name: string): string {
  return name.replace(OUTSIDE_NAME, '-') || 'tasks';
}

/** A task-set family's verifier version: the loader's verifier code version hashed with the task's own content. */
export function taskVerifierVersion(loaderVersion: string, content: unknown): string {
  return createHash('sha256').update(`${loaderVersion}\n`).update(JSON.stringify(content)).digest('hex').slice(0, 16);
}

/** The TaskSetError of a path that cannot be read, naming why (ENOENT, EACCES, ...). */
export function unreadableTaskSet(path: string, error: unknown): TaskSetError {
  return new TaskSetError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
}

/** A task's text as one line of at most `length` characters, for its family's description. */
export function taskExcerpt(text: string, length = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= length ? line : `${line.slice(0, length - 3)}...`;
}

/** Throws a TaskSetError when two tasks of a set map to the same family name. */
export function assertUniqueTaskNames(set: string, names: readonly { name: string; id: string }[]): void {
  const seen = new Map<string, string>();
  for (const { name, id } of names) {
    const other = seen.get(name);
    if (other !== undefined) throw new TaskSetError(`task set ${set}: tasks ${JSON.stringify(other)} and ${JSON.stringify(id)} both become family ${name}`);
    seen.set(name, id);
  }
}
