import { FUNCTION_SPECS, concreteFunction, evaluateJs, replaceOnce, type ConcreteFunction, type Json } from './function-specs.js';
import { jsTestFile, pyTestFile } from './render.js';
import type { Rng } from '@workgym/protocol';
import { FIX_BUG_GUESSES, FIX_BUG_STRATEGIES, fixBugTask } from './shapes/fix-bug.js';
import type { Language } from './shapes/implement-function.js';
import { jsCallsSuite, pyCallsSuite, type FunctionCalls } from './shapes/suites.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

const PACKAGES = ['textkit', 'numtools', 'datautil', 'toolbox', 'minilib', 'utilpack'];
const MODULES = ['core', 'text', 'lists', 'numbers', 'formatting', 'parsing', 'helpers', 'series'];

/** A small multi-module project with one injected bug; its visible tests fail until it is fixed. */
export function fixBugFamily(language: Language): FamilyDef {
  const py = language === 'python';
  return {
    name: py ? 'py-fix-bug' : 'js-fix-bug',
    difficulty: 'medium',
    description: `Find and fix an injected bug in a small multi-module ${py ? 'Python' : 'JavaScript'} project with failing tests.`,
    strategies: FIX_BUG_STRATEGIES,
    nearMisses: ['special-case-visible-input', 'delete-failing-test'],
    components: RUNS_COMPONENTS,
    collateral: true,
    guesses: FIX_BUG_GUESSES,
    generate: (rng) => generate(rng, language),
  };
}

interface Module {
  name: string;
  path: string;
  test: string;
  fn: ConcreteFunction;
  /** The docstring as the source shows it. */
  doc: string;
  source: string;
}

interface Injected {
  module: number;
  from: string;
  to: string;
  buggy: string;
  /** Inputs on which the buggy function differs from the correct one. */
  exposing: Json[][];
}

function generate(rng: Rng, language: Language): TaskInstance {
  const py = language === 'python';
  const pkg = rng.pick(PACKAGES);
  const specs = rng.sample(FUNCTION_SPECS, 3);
  const names = rng.sample(MODULES, 3);
  const modules: Module[] = specs.map((spec, i) => {
    const fn = concreteFunction(spec, rng.fork(10 + i));
    const path = py ? `${pkg}/${names[i]}.py` : `src/${names[i]}.mjs`;
    const doc = fn.doc.replaceAll('`', '');
    const source = py
      ? `"""${names[i]} helpers of ${pkg}."""\n\n\n${fn.py.replace(/:\n/, `:\n    """${doc}"""\n`)}\n`
      : `// ${names[i]} helpers of ${pkg}.\n\n/** ${doc} */\nexport ${fn.js}\n`;
    const test = py ? `tests/test_${names[i]}.py` : `test/${names[i]}.test.mjs`;
    return { name: names[i]!, path, test, fn, doc, source };
  });
  const bug = injectBug(rng, modules, py);
  const files: Record<string, string> = {};
  const hiddenCalls: FunctionCalls[] = [];
  let visibleFailing: { args: Json[]; expected: Json } | undefined;
  let withoutFailing = '';
  modules.forEach((m, i) => {
    const pool = m.fn.spec.inputs(rng.fork(20 + i), m.fn.constants, 12);
    const broken = i === bug.module;
    const visible = broken ? [bug.exposing[0]!, ...pool.slice(0, 2)] : pool.slice(0, 3);
    const examples = visible.map((args) => ({ args, expected: reference(m.fn, args) }));
    // Hidden cases are never visible ones: a table of the visible examples earns nothing.
    const shown = new Set(visible.map((args) => JSON.stringify(args)));
    const hidden = distinct([...pool.slice(3), ...(broken ? bug.exposing.slice(1) : [])]).filter((args) => !shown.has(JSON.stringify(args)));
    const testFile = (shown: typeof examples) => (py ? pyTestFile(`${pkg}.${m.name}`, m.fn.name, shown) : jsTestFile(`../src/${m.name}.mjs`, m.fn.name, shown));
    files[m.path] = broken ? bug.buggy : m.source;
    files[m.test] = testFile(examples);
    if (broken) {
      visibleFailing = examples[0];
      withoutFailing = testFile(examples.slice(1));
    }
    hiddenCalls.push({ module: py ? `${pkg}.${m.name}` : `./src/${m.name}.mjs`, name: m.fn.name, args: hidden });
  });
  if (py) {
    files[`${pkg}/__init__.py`] = modules.map((m) => `from .${m.name} import ${m.fn.name}`).join('\n') + '\n';
    files['tests/__init__.py'] = '';
  } else {
    files['src/index.mjs'] = modules.map((m) => `export { ${m.fn.name} } from './${m.name}.mjs';`).join('\n') + '\n';
    files['package.json'] = JSON.stringify({ name: pkg, version: '1.0.0', type: 'module', private: true }, null, 2) + '\n';
  }
  files['README.md'] = `# ${pkg}\n\nSmall helpers:\n\n${modules.map((m) => `- \`${m.fn.name}\` (${m.path}): ${m.fn.doc}`).join('\n')}\n`;
  const broken = modules[bug.module]!;
  const wrongEdits = modules
    .filter((_, i) => i !== bug.module)
    .flatMap((m) => {
      const other = m.fn.spec.bugs[0]!;
      const [from, to] = py ? other.py : other.js;
      return replaceOnce(m.source, from, to) ? [{ path: m.path, old: from, new: to }] : [];
    });
  return fixBugTask(
    {
      instruction:
        `The ${pkg} project has a bug: some of its tests fail. Find the bug and fix it in the source ` +
        `(${py ? `the ${pkg}/ package` : 'src/'}), not in the tests. run_tests runs the tests; hidden tests check the ` +
        'whole project afterwards. Call submit when you are done.',
      files,
      testCommand: py ? 'python3 -m unittest discover -v -s tests -t .' : `node --test ${modules.map((m) => m.test).join(' ')}`,
      modules: modules.map((m) => ({ path: m.path, content: m.source, name: m.fn.name, doc: m.doc, test: m.test })),
      broken: bug.module,
      fix: { path: broken.path, old: bug.to, new: bug.from },
      wrongEdits,
      suite: py ? pyCallsSuite(hiddenCalls) : jsCallsSuite(hiddenCalls),
      nearMisses: {
        // Passes the visible tests by answering the failing example from a table.
        'special-case-visible-input': { [broken.path]: specialCase(broken, bug.buggy, visibleFailing!, py) },
        // Makes the visible tests pass by removing the one that fails.
        'delete-failing-test': { [broken.test]: withoutFailing },
      },
    },
    rng,
  );
}

/** The broken module with the visible failing input answered from a table, the bug left in place. */
function specialCase(m: Module, buggy: string, failing: { args: Json[]; expected: Json }, py: boolean): string {
  const args = m.fn.spec.args.join(', ');
  if (py) {
    const docLine = `    """${m.doc}"""\n`;
    const guard = `    if [${args}] == json.loads(${JSON.stringify(JSON.stringify(failing.args))}):\n        return json.loads(${JSON.stringify(JSON.stringify(failing.expected))})\n`;
    return buggy.replace('\n\n\n', '\n\nimport json\n\n\n').replace(docLine, docLine + guard);
  }
  const head = `export function ${m.fn.name}(${args}) {\n`;
  const guard = `  if (JSON.stringify([${args}]) === ${JSON.stringify(JSON.stringify(failing.args))}) return ${JSON.stringify(failing.expected)};\n`;
  return buggy.replace(head, head + guard);
}

/**
 * Picks a module and one of its function's bugs that the inputs expose (at least 4 distinct
 * inputs of 40: one shown in the visible tests, and at least one hidden beside the two other
 * visible inputs).
 */
function injectBug(rng: Rng, modules: Module[], py: boolean): Injected {
  for (const index of rng.shuffle([0, 1, 2])) {
    const m = modules[index]!;
    for (const bug of rng.shuffle(m.fn.spec.bugs)) {
      const [from, to] = py ? bug.py : bug.js;
      const buggy = replaceOnce(m.source, from, to);
      const buggyJs = replaceOnce(m.fn.js, ...bug.js);
      if (!buggy || !buggyJs) continue;
      const pool = m.fn.spec.inputs(rng.fork(30 + index), m.fn.constants, 40);
      const exposing = distinct(pool.filter((args) => !sameJson(evaluateJs(buggyJs, m.fn.name, args), evaluateJs(m.fn.js, m.fn.name, args))));
      if (exposing.length >= 4) return { module: index, from, to, buggy, exposing: exposing.slice(0, 5) };
    }
  }
  throw new Error(`no exposable bug among ${modules.map((m) => m.fn.spec.key).join(', ')}`);
}

function reference(fn: ConcreteFunction, args: Json[]): Json {
  const result = evaluateJs(fn.js, fn.name, args);
  if (result.error) throw new Error(`reference ${fn.name} threw ${result.error}`);
  return result.value!;
}

function distinct(inputs: Json[][]): Json[][] {
  const seen = new Set<string>();
  return inputs.filter((args) => {
    const key = JSON.stringify(args);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
