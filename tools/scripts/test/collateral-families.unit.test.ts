import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every generated family of the repository's envs judges its whole state (`collateral: true`,
// docs/people.md#whole-state-checks-collateral): a new family, or one copied from a template,
// cannot forget it. The lists are found by walking envs/, so a new env's families count too.

const envs = fileURLToPath(new URL('../../../envs', import.meta.url));
/** Where an env lists its generated families (`FAMILIES`) and its templates (`TEMPLATES`). */
const LISTS = ['src/tasks/index.ts', 'src/tasks/templates/index.ts'];

const lists = readdirSync(envs)
  .flatMap((env) => LISTS.map((list) => join(envs, env, list)))
  .filter((path) => existsSync(path));

interface Listed {
  name: string;
  collateral?: boolean;
}

describe('whole-state checks in every generated family', () => {
  it('finds the family lists of browser, code, spreadsheet, workday and mcp', () => {
    const found = new Set(lists.map((path) => path.slice(envs.length + 1).split('/')[0]));
    expect([...found].sort()).toEqual(expect.arrayContaining(['browser', 'code', 'mcp', 'spreadsheet', 'workday']));
  });

  it.each(lists.map((path) => [path.slice(envs.length + 1), path] as const))('%s: every family sets collateral: true', async (_, path) => {
    const module = (await import(pathToFileURL(path).href)) as { FAMILIES?: readonly Listed[]; TEMPLATES?: readonly Listed[] };
    const families = [...(module.FAMILIES ?? []), ...(module.TEMPLATES ?? [])];
    expect(families.length).toBeGreaterThan(0);
    expect(families.filter((f) => f.collateral !== true).map((f) => f.name)).toEqual([]);
  });
});
