// Task sets a team brings with --tasks (a file or folder), found by layout: a MiniWoB++ folder or
// a JSON Lines file in the browser's generic format. Each task of a set is one family,
// browser/<set>.<task id>.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { TaskFamily } from '@workgym/protocol';
import { TaskSetError } from '@workgym/protocol/kit';
import { VERIFIER_VERSIONS } from '../gen/verifier-versions.js';
import { miniwobFamilies, miniwobTask } from '../miniwob/miniwob-suite.js';
import { MINIWOB_EXPERTS, MINIWOB_STRATEGY } from '../miniwob/miniwob-experts.js';
import type { TaskInstance } from '../tasks/task.js';
import { jsonlTaskSet } from './jsonl-tasks.js';

/** One task of a set: its catalogue entry and the instance a (seed, split) stands for. */
export interface TaskSetFamily {
  family: TaskFamily;
  instance(seed: number, split: string): TaskInstance;
}

/** The layouts the browser env reads, as a TaskSetError names them. */
export const LAYOUTS =
  'a MiniWoB++ folder (the upstream repository, its miniwob/ folder, or a folder with html/miniwob/*.html), or a .jsonl file (or a folder with tasks.jsonl) in the browser task format (docs/envs/browser.md)';

/** Every task of every path, in path order; a path of no known layout is a TaskSetError. */
export function loadTaskSets(paths: readonly string[]): TaskSetFamily[] {
  const families = paths.flatMap((path) => loadTaskSet(path));
  const seen = new Set<string>();
  for (const { family } of families) {
    if (seen.has(family.id!)) throw new TaskSetError(`task sets ${paths.join(', ')}: two tasks are family ${family.id}`);
    seen.add(family.id!);
  }
  return families;
}

function loadTaskSet(path: string): TaskSetFamily[] {
  if (!existsSync(path)) throw new TaskSetError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const suite = miniwobFolder(path);
    if (suite) return miniwobSet(suite);
    // A folder with its tasks.jsonl next to the sites: the form to mount under Docker.
    const tasks = join(path, 'tasks.jsonl');
    if (existsSync(tasks)) return jsonlTaskSet(tasks, VERIFIER_VERSIONS.jsonl ?? '', basename(resolve(path)));
  } else if (path.endsWith('.jsonl')) {
    return jsonlTaskSet(path, VERIFIER_VERSIONS.jsonl ?? '');
  }
  throw new TaskSetError(`${path}: not a browser task set; the browser env reads ${LAYOUTS}`);
}

/** The folder holding html/miniwob/ for `path` (itself, or the upstream root's miniwob/). */
function miniwobFolder(path: string): string | undefined {
  return [path, join(path, 'miniwob')].find((dir) => existsSync(join(dir, 'html', 'miniwob')));
}

function miniwobSet(dir: string): TaskSetFamily[] {
  const pages = miniwobFamilies(dir, VERIFIER_VERSIONS.miniwob ?? '');
  if (pages.length === 0) throw new TaskSetError(`${dir}/html/miniwob holds no .html task page`);
  return pages.map(({ page, family }) => {
    const expert = MINIWOB_EXPERTS[page];
    return {
      family: expert ? { ...family, strategies: [MINIWOB_STRATEGY], description: `${family.description} Scripted expert.` } : family,
      instance: (seed, split) => {
        const instance = miniwobTask(dir, page, seed, split);
        if (expert) instance.expert = (view) => expert(instance.instruction, view.snapshot);
        return instance;
      },
    };
  });
}
