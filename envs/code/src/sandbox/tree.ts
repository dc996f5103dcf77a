import { lstatSync, opendirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Up to `max` names of a directory, sorted; undefined when it cannot be read. */
export function readNames(dir: string, max: number): string[] | undefined {
  let handle;
  try {
    handle = opendirSync(dir);
  } catch {
    return undefined;
  }
  const names: string[] = [];
  try {
    for (let entry = handle.readSync(); entry !== null && names.length < max; entry = handle.readSync()) names.push(entry.name);
  } catch {
    // a directory removed meanwhile: what was read
  } finally {
    handle.closeSync();
  }
  return names.sort();
}

/**
 * Removes `paths` and everything under them in this process, without recursion and looking at
 * `budget` entries at most. Returns false, with part of it maybe left, when the budget runs out
 * or anything fails (a mode, a path past PATH_MAX): the caller hands the rest to `rm`. The
 * common case (a task's few files) then costs no process.
 */
export function removeWithinBudget(paths: string[], budget: number): boolean {
  const stack = paths.map((path) => ({ path, opened: false }));
  try {
    while (stack.length > 0) {
      if (budget-- <= 0) return false;
      const top = stack[stack.length - 1]!;
      if (top.opened) {
        rmdirSync(top.path);
        stack.pop();
        continue;
      }
      if (!lstatSync(top.path).isDirectory()) {
        unlinkSync(top.path);
        stack.pop();
        continue;
      }
      top.opened = true;
      const names = readNames(top.path, budget + 1);
      if (names === undefined || names.length > budget) return false;
      for (const name of names) stack.push({ path: join(top.path, name), opened: false });
    }
    return true;
  } catch {
    return false;
  }
}
