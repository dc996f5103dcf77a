// The near-misses of the code families cannot pass on any seed, not only on the seeds the
// conformance check plays: hard-coded answers lose on some hidden case, hidden inputs of script
// tasks always give another output than the visible one (so printing the visible output, or
// reading the visible file instead of INPUT, fails), and a script with one condition dropped
// gives another output on every hidden input.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CodeEnv } from '../src/index.js';
import type { EpisodeView } from '../src/tasks/expert/view.js';
import { evaluateJs, type Json } from '../src/tasks/function-specs.js';
import type { TaskInstance } from '../src/tasks/task.js';

const env = new CodeEnv();

/** The state of an untouched workspace, as a near-miss's first step sees it. */
function untouched(instance: TaskInstance): EpisodeView {
  return { content: (path) => instance.files[path], mode: (path) => instance.modes?.[path], shown: () => false, made: () => false, output: () => undefined };
}

/** The file a writing near-miss writes first. */
function written(instance: TaskInstance, nearMiss: string): { path: string; content: string } {
  const { call } = instance.expert(untouched(instance), nearMiss);
  expect(call.name).toBe('write_file');
  return call.arguments as { path: string; content: string };
}

/** Hidden js-calls cases as [module key, function, arguments]. */
function jsCases(instance: TaskInstance): [string, string, Json[]][] {
  const check = instance.check;
  if (check.kind !== 'runs' || check.suite.kind !== 'js-calls') throw new Error('not a js-calls family');
  return check.suite.cases.map((expression) => {
    const match = /^ctx\.(\w+)\.(\w+)\(\.\.\.(.*)\)$/s.exec(expression)!;
    return [match[1]!, match[2]!, JSON.parse(match[3]!) as Json[]];
  });
}

function run(module: string, name: string, args: Json[]): string {
  return JSON.stringify(evaluateJs(module.replace(/^export /m, ''), name, args));
}

const SEEDS = Array.from({ length: 100 }, (_, i) => i + 1);

describe('near-misses of the function families lose on a hidden case of every seed', () => {
  it('js-implement-function: a table of the visible examples', () => {
    for (const seed of SEEDS) {
      const instance = env.instance('code/js-implement-function', seed);
      const check = instance.check as Extract<TaskInstance['check'], { kind: 'runs' }>;
      const reference = check.reference['solution.mjs']!;
      const { content } = written(instance, 'hard-code-examples');
      const lost = jsCases(instance).filter(([, name, args]) => run(content, name, args) !== run(reference, name, args));
      expect(lost.length, `seed ${seed}`).toBeGreaterThan(0);
    }
  });

  it('js-fix-bug: the buggy function with the visible failing input special-cased', () => {
    for (const seed of SEEDS) {
      const instance = env.instance('code/js-fix-bug', seed);
      const check = instance.check as Extract<TaskInstance['check'], { kind: 'runs' }>;
      const [path, reference] = Object.entries(check.reference)[0]!;
      const { path: changed, content } = written(instance, 'special-case-visible-input');
      expect(changed).toBe(path);
      const index = `m${/^return \{ (.*) \};$/
        .exec(check.suite.kind === 'js-calls' ? check.suite.prelude : '')![1]!
        .split(', ')
        .findIndex((part) => part.includes(`'./${path}'`))}`;
      const lost = jsCases(instance).filter(([module, name, args]) => module === index && run(content, name, args) !== run(reference, name, args));
      expect(lost.length, `seed ${seed}`).toBeGreaterThan(0);
    }
  });
});

describe('script families, run with the real interpreters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'workgym-near-misses-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What `files` (the reference, a relaxation) write on `input` under the instance's script suite. */
  function output(instance: TaskInstance, files: Record<string, string>, input: string): string {
    const suite = scriptSuite(instance);
    const root = join(dir, `run-${process.hrtime.bigint()}`);
    for (const [path, content] of Object.entries({ ...files, [suite.inputPath]: input })) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    // The system's interpreters first: a version manager's shims cost seconds per start on a loaded machine.
    execFileSync('/bin/sh', ['-c', suite.command], { cwd: root, env: { ...process.env, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` } });
    return readFileSync(join(root, suite.outputPath), 'utf8').trimEnd();
  }

  function scriptSuite(instance: TaskInstance): Extract<Extract<TaskInstance['check'], { kind: 'runs' }>['suite'], { kind: 'script' }> {
    const check = instance.check;
    if (check.kind !== 'runs' || check.suite.kind !== 'script') throw new Error('not a script family');
    return check.suite;
  }

  /** The visible data as the suite's input: the workspace's data file, or its database's SQL. */
  function visibleInput(instance: TaskInstance): string {
    return (
      Object.values(instance.databases ?? {})[0] ??
      instance.files[{ '.case/input.log': 'logs/app.log', '.case/input.csv': 'data/sales.csv' }[scriptSuite(instance).inputPath]!]!
    );
  }

  const FAMILIES = ['code/py-csv-transform', 'code/sh-log-report', 'code/sql-query'];

  // Printing the visible output, or reading the visible file instead of INPUT, passes no hidden case.
  it.each(FAMILIES)('%s: every hidden input gives another output than the visible one', { timeout: 300_000 }, (family) => {
    for (const seed of Array.from({ length: 6 }, (_, i) => i + 1)) {
      const instance = env.instance(family, seed);
      const reference = (instance.check as Extract<TaskInstance['check'], { kind: 'runs' }>).reference;
      const visible = output(instance, reference, visibleInput(instance));
      for (const input of scriptSuite(instance).inputs) expect(output(instance, reference, input), `seed ${seed}`).not.toBe(visible);
    }
  });

  // The generator's own copy of each rule says dropping a condition changes the output; the real
  // interpreters agree, so a relaxed script fails every hidden case (shaped reward 0).
  it.each(FAMILIES)('%s: each relaxed script gives another output on every hidden input', { timeout: 300_000 }, (family) => {
    const conditions = env.families().find((f) => f.id === family)!.conditions ?? [];
    expect(conditions.length).toBe(2);
    for (const seed of [1, 2, 3]) {
      const instance = env.instance(family, seed);
      const reference = (instance.check as Extract<TaskInstance['check'], { kind: 'runs' }>).reference;
      const inputs = scriptSuite(instance).inputs;
      const expected = inputs.map((input) => output(instance, reference, input));
      for (const condition of conditions) {
        const relaxed = written(instance, `relax:${condition}`);
        inputs.forEach((input, i) => {
          expect(output(instance, { [relaxed.path]: relaxed.content }, input), `seed ${seed} without ${condition}`).not.toBe(expected[i]);
        });
      }
    }
  });
});
