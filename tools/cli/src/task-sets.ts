import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { readJsonObject } from './options.js';
import { UsageError } from './usage-error.js';

// --tasks [ENV=]PATH: task sets a team brings (a file or folder the env loads with its own
// loaders). Each value goes to one env; a plain PATH goes to the one env the command selected.

/** Each env's task-set paths (absolute), by env name. */
export type TaskSets = Readonly<Record<string, readonly string[]>>;

export const TASKS_HELP =
  'a task set (file or folder) for ENV to load beside its own families, each task a family <env>/<set>.<task id>; repeatable; a plain PATH when one env is selected';

/** The repeatable --tasks option: its values are collected as given, assigned by `assignTaskSets`. */
export function tasksOption(help = TASKS_HELP): Option {
  return new Option('--tasks <[env=]path>', help).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
}

/**
 * The --tasks values by env: `ENV=PATH` names its env (one of `known`, and one of `selected`
 * when the command selected envs); a plain PATH needs exactly one selected env. Paths are made
 * absolute and must exist.
 */
export function assignTaskSets(values: readonly string[] | undefined, selected: readonly string[] | undefined, known: readonly string[]): TaskSets {
  const sets: Record<string, string[]> = {};
  for (const value of values ?? []) {
    const named = /^([a-z][a-z0-9_-]*)=(.+)$/.exec(value);
    const env = named ? named[1]! : onlyEnv(value, selected);
    const path = named ? named[2]! : value;
    if (!known.includes(env)) throw new UsageError(`--tasks ${value}: unknown env ${JSON.stringify(env)}; known envs: ${known.join(', ')}`);
    if (selected && selected.length > 0 && !selected.includes(env))
      throw new UsageError(`--tasks ${value}: env ${env} is not among the selected envs (${selected.join(', ')})`);
    if (!existsSync(path)) throw new UsageError(`--tasks ${value}: ${path}: no such file or folder`);
    (sets[env] ??= []).push(resolve(path));
  }
  return sets;
}

function onlyEnv(value: string, selected: readonly string[] | undefined): string {
  if (selected?.length === 1) return selected[0]!;
  throw new UsageError(`--tasks ${value}: say which env loads it, --tasks ENV=${value} (a plain path needs exactly one env selected)`);
}

/** --reset-options JSON: options every episode's reset passes to its family. */
export function resetOptionsOption(): Option {
  return new Option(
    '--reset-options <json>',
    "a JSON object every reset passes to its task family (family-specific, e.g. which cases of a benchmark task; see the env's docs)",
  ).argParser((value: string) => readJsonObject(value, '--reset-options'));
}

/** The --tasks values as given, for a dry run's plan. */
export function describeTaskSets(sets: TaskSets): string | undefined {
  const lines = Object.entries(sets).flatMap(([env, paths]) => paths.map((path) => `${env}=${path}`));
  return lines.length > 0 ? lines.join(', ') : undefined;
}
