// Hidden cases never equal the visible ones (issue 27): over 50 seeds of every code family whose
// check runs cases, no hidden call is a call the visible tests make, and no hidden input is a
// file (or database) of the workspace. Hard-coding what the workspace shows therefore passes no
// hidden case; the judge gives no credit for passing only cases of one result, so it earns 0.
import { describe, expect, it } from 'vitest';
import { CodeEnv } from '../src/index.js';
import { evaluateJs, type Json } from '../src/tasks/function-specs.js';
import type { TaskInstance } from '../src/tasks/task.js';

const env = new CodeEnv();
const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
const runs = env.families().filter((f) => env.instance(f.id!, 1).check.kind === 'runs');

/** Everything the workspace shows at the start: its files and its databases' SQL. */
function shown(instance: TaskInstance): string[] {
  return [...Object.values(instance.files), ...Object.values(instance.databases ?? {})];
}

/** The text a visible test would hold for the same call as a hidden case (the suites and the test files render calls alike). */
function visibleForm(expression: string): string {
  const commands = /^run_commands\(json\.loads\((".*")\)\)$/s.exec(expression);
  if (commands) {
    // The visible command tests write the lines as a Python list literal.
    const lines = JSON.parse(JSON.parse(commands[1]!) as string) as string[];
    return `run_commands([${lines.map((line) => `'${line}'`).join(', ')}])`;
  }
  return expression.replace(/^ctx\.m\d+\./, '');
}

describe('hidden cases are disjoint from the visible ones', () => {
  it('covers every family whose check runs cases', () => {
    expect(runs.map((f) => f.id)).toEqual([
      'code/py-implement-function',
      'code/js-implement-function',
      'code/py-fix-bug',
      'code/js-fix-bug',
      'code/py-add-feature',
      'code/sh-log-report',
      'code/py-csv-transform',
      'code/sql-query',
      'code/it-fix-service-config',
      'code/it-schedule-job',
      'code/py-ask-spec',
      'code/py-ask-config',
    ]);
  });

  it.each(runs.map((f) => f.id!))('%s over 50 seeds', (family) => {
    for (const seed of SEEDS) {
      const instance = env.instance(family, seed);
      const check = instance.check;
      if (check.kind !== 'runs') throw new Error(`${family} seed ${seed} has no runs check`);
      const visible = shown(instance);
      if (check.suite.kind === 'script') {
        expect(check.suite.inputs.length, `${family} seed ${seed}`).toBeGreaterThanOrEqual(2);
        for (const input of check.suite.inputs) expect(visible, `${family} seed ${seed}`).not.toContain(input);
      } else {
        expect(check.suite.cases.length, `${family} seed ${seed}`).toBeGreaterThan(0);
        for (const expression of check.suite.cases) {
          const call = visibleForm(expression);
          expect(
            visible.some((text) => text.includes(call)),
            `${family} seed ${seed}: ${call} is visible`,
          ).toBe(false);
        }
      }
    }
  });

  // The JavaScript family's reference runs here; the Python family draws its cases the same way.
  it('js-implement-function: the hidden results are never one value, nor every first argument (no constant passes them)', () => {
    for (const seed of SEEDS) {
      const check = env.instance('code/js-implement-function', seed).check as Extract<TaskInstance['check'], { kind: 'runs' }>;
      const source = check.reference['solution.mjs']!.replace(/^export /m, '');
      const name = /function (\w+)/.exec(source)![1]!;
      const calls = check.suite.kind === 'js-calls' ? check.suite.cases.map((c) => JSON.parse(/\(\.\.\.(.*)\)$/s.exec(c)![1]!) as Json[]) : [];
      const results = calls.map((args) => JSON.stringify(evaluateJs(source, name, args).value));
      expect(new Set(results).size, `seed ${seed}`).toBeGreaterThanOrEqual(2);
      expect(
        calls.every((args, i) => JSON.stringify(args[0]) === results[i]),
        `seed ${seed}`,
      ).toBe(false);
    }
  });
});
