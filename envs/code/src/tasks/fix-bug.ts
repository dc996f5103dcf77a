import { FUNCTION_SPECS, concreteFunction, evaluateJs, replaceOnce, type ConcreteFunction, type Json } from './function-specs.js';
import type { Language } from './implement-function.js';
import { jsCall, jsTestFile, pyCall, pyTestFile } from './render.js';
import type { Rng } from '@workgym/protocol';
import type { FamilyDef, PlannedCall, TaskInstance } from './task.js';

const PACKAGES = ['textkit', 'numtools', 'datautil', 'toolbox', 'minilib', 'utilpack'];
const MODULES = ['core', 'text', 'lists', 'numbers', 'formatting', 'parsing', 'helpers', 'series'];

/** A small multi-module project with one injected bug; its visible tests fail until it is fixed. */
export function fixBugFamily(language: Language): FamilyDef {
  const py = language === 'python';
  return {
    name: py ? 'py-fix-bug' : 'js-fix-bug',
    difficulty: 'medium',
    description: `Find and fix an injected bug in a small multi-module ${py ? 'Python' : 'JavaScript'} project with failing tests.`,
    candidates: true,
    generate: (rng) => generate(rng, language),
  };
}

interface Module {
  name: string;
  path: string;
  fn: ConcreteFunction;
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
    const source = py
      ? `"""${names[i]} helpers of ${pkg}."""\n\n\n${fn.py.replace(/:\n/, `:\n    """${fn.doc.replaceAll('`', '')}"""\n`)}\n`
      : `// ${names[i]} helpers of ${pkg}.\n\n/** ${fn.doc.replaceAll('`', '')} */\nexport ${fn.js}\n`;
    return { name: names[i]!, path, fn, source };
  });
  const bug = injectBug(rng, modules, py);
  const files: Record<string, string> = {};
  const testFiles: string[] = [];
  const hiddenCases: string[] = [];
  modules.forEach((m, i) => {
    const pool = m.fn.spec.inputs(rng.fork(20 + i), m.fn.constants, 12);
    const visible = i === bug.module ? [bug.exposing[0]!, ...pool.slice(0, 2)] : pool.slice(0, 3);
    const examples = visible.map((args) => ({ args, expected: reference(m.fn, args) }));
    const hidden = [...pool.slice(3), ...(i === bug.module ? bug.exposing.slice(1) : [])];
    files[m.path] = i === bug.module ? bug.buggy : m.source;
    if (py) {
      files[`tests/test_${m.name}.py`] = pyTestFile(`${pkg}.${m.name}`, m.fn.name, examples);
      hiddenCases.push(...hidden.map((args) => pyCall(m.fn.name, args)));
    } else {
      const test = `test/${m.name}.test.mjs`;
      files[test] = jsTestFile(`../src/${m.name}.mjs`, m.fn.name, examples);
      testFiles.push(test);
      hiddenCases.push(...hidden.map((args) => jsCall(`ctx.m${i}.${m.fn.name}`, args)));
    }
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
  const fix = { path: broken.path, old: bug.to, new: bug.from };
  const wrongEdits = modules
    .filter((_, i) => i !== bug.module)
    .flatMap((m) => {
      const other = m.fn.spec.bugs[0]!;
      const [from, to] = py ? other.py : other.js;
      return replaceOnce(m.source, from, to) ? [{ path: m.path, old: from, new: to }] : [];
    });
  const candidates: PlannedCall[] = [
    { name: 'run_tests', arguments: {} },
    ...modules.map((m) => ({ name: 'read_file', arguments: { path: m.path } })),
    ...rng.shuffle([fix, ...wrongEdits]).map((edit) => ({ name: 'edit_file', arguments: edit })),
    { name: 'submit', arguments: {} },
  ];
  const prelude = py
    ? `import json\n${modules.map((m) => `from ${pkg}.${m.name} import ${m.fn.name}`).join('\n')}`
    : `return { ${modules.map((m, i) => `m${i}: await load('./src/${m.name}.mjs')`).join(', ')} };`;
  return {
    instruction:
      `The ${pkg} project has a bug: some of its tests fail. Find the bug and fix it in the source ` +
      `(${py ? `the ${pkg}/ package` : 'src/'}), not in the tests. run_tests runs the tests; hidden tests check the ` +
      'whole project afterwards. Call submit when you are done.',
    files,
    testCommand: py ? 'python3 -m unittest discover -v -s tests -t .' : `node --test ${testFiles.join(' ')}`,
    check: {
      kind: 'runs',
      reference: { [broken.path]: broken.source },
      suite: { kind: py ? 'python-calls' : 'js-calls', prelude, cases: hiddenCases },
    },
    expert: { edits: replaceOnce(bug.buggy, bug.to, bug.from) === broken.source ? [fix] : [] },
    candidates,
  };
}

/** Picks a module and one of its function's bugs that the inputs expose (at least 3 of 40). */
function injectBug(rng: Rng, modules: Module[], py: boolean): Injected {
  for (const index of rng.shuffle([0, 1, 2])) {
    const m = modules[index]!;
    for (const bug of rng.shuffle(m.fn.spec.bugs)) {
      const [from, to] = py ? bug.py : bug.js;
      const buggy = replaceOnce(m.source, from, to);
      const buggyJs = replaceOnce(m.fn.js, ...bug.js);
      if (!buggy || !buggyJs) continue;
      const pool = m.fn.spec.inputs(rng.fork(30 + index), m.fn.constants, 40);
      const exposing = pool.filter((args) => !sameJson(evaluateJs(buggyJs, m.fn.name, args), evaluateJs(m.fn.js, m.fn.name, args)));
      if (exposing.length >= 3) return { module: index, from, to, buggy, exposing: exposing.slice(0, 4) };
    }
  }
  throw new Error(`no exposable bug among ${modules.map((m) => m.fn.spec.key).join(', ')}`);
}

function reference(fn: ConcreteFunction, args: Json[]): Json {
  const result = evaluateJs(fn.js, fn.name, args);
  if (result.error) throw new Error(`reference ${fn.name} threw ${result.error}`);
  return result.value!;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
