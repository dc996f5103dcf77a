import { FUNCTION_SPECS, concreteFunction, evaluateJs, replaceOnce, type Json } from './function-specs.js';
import { jsCall, jsTestFile, pyCall, pyTestFile } from './render.js';
import type { Rng } from '@workgym/protocol';
import type { FamilyDef, PlannedCall, TaskInstance } from './task.js';

export type Language = 'python' | 'javascript';

/** Implement one function against hidden tests; a few examples are visible. */
export function implementFunctionFamily(language: Language): FamilyDef {
  const py = language === 'python';
  return {
    name: py ? 'py-implement-function' : 'js-implement-function',
    difficulty: 'easy',
    description: `Implement a ${py ? 'Python' : 'JavaScript'} function from its description; hidden tests check it.`,
    candidates: true,
    generate: (rng) => generate(rng, language),
  };
}

function generate(rng: Rng, language: Language): TaskInstance {
  const py = language === 'python';
  const spec = rng.pick(FUNCTION_SPECS);
  const fn = concreteFunction(spec, rng);
  const examples = spec.inputs(rng.fork(1), fn.constants, 3).map((args) => ({ args, expected: expected(fn.js, fn.name, args) }));
  const hidden = spec.inputs(rng.fork(2), fn.constants, 12);
  const file = py ? 'solution.py' : 'solution.mjs';
  const testFile = py ? 'test_solution.py' : 'solution.test.mjs';
  const signature = spec.args.join(', ');
  const stub = py
    ? `def ${fn.name}(${signature}):\n    """${fn.doc.replaceAll('`', '')}"""\n    raise NotImplementedError\n`
    : `/** ${fn.doc.replaceAll('`', '')} */\nexport function ${fn.name}(${signature}) {\n  throw new Error('not implemented');\n}\n`;
  const solution = py
    ? `${fn.py.replace(/:\n/, `:\n    """${fn.doc.replaceAll('`', '')}"""\n`)}\n`
    : `/** ${fn.doc.replaceAll('`', '')} */\nexport ${fn.js}\n`;
  const buggy = spec.bugs
    .map((bug) => replaceOnce(solution, ...(py ? bug.py : bug.js)))
    .filter((s): s is string => s !== undefined);
  const candidates: PlannedCall[] = [
    { name: 'run_tests', arguments: {} },
    { name: 'read_file', arguments: { path: file } },
    { name: 'read_file', arguments: { path: testFile } },
    ...rng.shuffle([solution, ...buggy]).map((content) => ({ name: 'write_file', arguments: { path: file, content } })),
    { name: 'submit', arguments: {} },
  ];
  return {
    instruction:
      `Implement the function \`${fn.name}(${signature})\` in ${file}. ${fn.doc}\n` +
      `${testFile} has a few examples (run them with run_tests); hidden tests check more cases. ` +
      'Call submit when you are done.',
    files: {
      [file]: stub,
      [testFile]: py ? pyTestFile('solution', fn.name, examples) : jsTestFile('./solution.mjs', fn.name, examples),
    },
    testCommand: py ? 'python3 -m unittest -v test_solution' : 'node --test solution.test.mjs',
    check: {
      kind: 'runs',
      reference: { [file]: solution },
      suite: py
        ? { kind: 'python-calls', prelude: `import json\nfrom solution import ${fn.name}`, cases: hidden.map((args) => pyCall(fn.name, args)) }
        : { kind: 'js-calls', prelude: "return { m: await load('./solution.mjs') };", cases: hidden.map((args) => jsCall(`ctx.m.${fn.name}`, args)) },
    },
    expert: {},
    candidates,
  };
}

export function expected(source: string, name: string, args: Json[]): Json {
  const result = evaluateJs(source, name, args);
  if (result.error) throw new Error(`reference ${name} threw ${result.error} on ${JSON.stringify(args)}`);
  return result.value!;
}
