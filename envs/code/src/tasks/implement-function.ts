import { FUNCTION_SPECS, concreteFunction, evaluateJs, replaceOnce, type Json } from './function-specs.js';
import { jsCall, jsTestFile, pyCall, pyTestFile } from './render.js';
import type { Rng } from '@workgym/protocol';
import { bashLook, readFile, RUN_TESTS, SUBMIT, writeThenSubmit } from './expert/step.js';
import { testVerdict } from './expert/tests-output.js';
import { keep, workExpert } from './expert/work.js';
import type { PlannedCall } from '@workgym/protocol/kit';
import type { FamilyDef, TaskInstance } from './task.js';

export type Language = 'python' | 'javascript';

/** Implement one function against hidden tests; a few examples are visible. */
export function implementFunctionFamily(language: Language): FamilyDef {
  const py = language === 'python';
  return {
    name: py ? 'py-implement-function' : 'js-implement-function',
    difficulty: 'easy',
    description: `Implement a ${py ? 'Python' : 'JavaScript'} function from its description; hidden tests check it.`,
    strategies: ['write-file', 'heredoc'],
    nearMisses: ['hard-code-examples'],
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
  const solution = py ? `${fn.py.replace(/:\n/, `:\n    """${fn.doc.replaceAll('`', '')}"""\n`)}\n` : `/** ${fn.doc.replaceAll('`', '')} */\nexport ${fn.js}\n`;
  const buggy = spec.bugs.map((bug) => replaceOnce(solution, ...(py ? bug.py : bug.js))).filter((s): s is string => s !== undefined);
  const candidates: PlannedCall[] = [
    RUN_TESTS,
    readFile(file),
    readFile(testFile),
    ...rng.shuffle([solution, ...buggy]).map((content) => ({ name: 'write_file', arguments: { path: file, content } })),
    SUBMIT,
  ];
  const tests = py ? pyTestFile('solution', fn.name, examples) : jsTestFile('./solution.mjs', fn.name, examples);
  const call = `${fn.name}(${signature})`;
  return {
    instruction:
      `Implement the function \`${fn.name}(${signature})\` in ${file}. ${fn.doc}\n` +
      `${testFile} has a few examples (run them with run_tests); hidden tests check more cases. ` +
      'Call submit when you are done.',
    files: { [file]: stub, [testFile]: tests },
    testCommand: py ? 'python3 -m unittest -v test_solution' : 'node --test solution.test.mjs',
    check: {
      kind: 'runs',
      reference: { [file]: solution },
      suite: py
        ? { kind: 'python-calls', prelude: `import json\nfrom solution import ${fn.name}`, cases: hidden.map((args) => pyCall(fn.name, args)) }
        : { kind: 'js-calls', prelude: "return { m: await load('./solution.mjs') };", cases: hidden.map((args) => jsCall(`ctx.m.${fn.name}`, args)) },
    },
    expert: workExpert({
      strategies: { 'write-file': 'tools', heredoc: 'shell' },
      look: (style) =>
        style === 'tools'
          ? [
              { call: readFile(file), why: `Read the stub of ${fn.name} in ${file} first.` },
              { call: readFile(testFile), why: `Read the examples in ${testFile}: they show the expected results.` },
            ]
          : [
              bashLook(
                `cat ${file} ${testFile}`,
                [file, testFile],
                'show the stub and its examples',
                `Show the stub in ${file} and the examples in ${testFile}.`,
              ),
            ],
      targets: [
        {
          path: file,
          content: solution,
          fromScratch: true,
          sources: [fn.doc, call],
          how: `${call} written from its description in the task`,
          whyRead: () => `Read ${file} before writing it.`,
          whyChange: () => `The task asks for ${call}: ${fn.doc} Write it that way in ${file}; the examples in ${testFile} agree.`,
        },
        keep(testFile, tests),
      ],
      check: () => ({ call: RUN_TESTS, why: `${file} changed since the tests last ran: run them.` }),
      whySubmit: (view) => `The examples pass (${testVerdict(view.output(RUN_TESTS)) ?? 'no failures'}); hidden tests check more cases: submit.`,
      nearMisses: {
        // Passes every visible example from a lookup table and guesses elsewhere.
        'hard-code-examples': (view) => writeThenSubmit('hard-code-examples', { [file]: hardCoded(fn.name, spec.args, examples, py) }, view),
      },
    }),
    candidates,
  };
}

/** A function that answers the visible examples from a table and anything else with the first example's result. */
function hardCoded(name: string, args: readonly string[], examples: { args: Json[]; expected: Json }[], py: boolean): string {
  const table = JSON.stringify(examples.map((e) => [e.args, e.expected]));
  const params = args.join(', ');
  if (py) {
    return `import json\n\n_EXAMPLES = json.loads(${JSON.stringify(table)})\n\n\ndef ${name}(${params}):\n    for args, expected in _EXAMPLES:\n        if args == [${params}]:\n            return expected\n    return _EXAMPLES[0][1]\n`;
  }
  return `const EXAMPLES = ${table};\n\nexport function ${name}(${params}) {\n  const key = JSON.stringify([${params}]);\n  for (const [args, expected] of EXAMPLES) if (JSON.stringify(args) === key) return expected;\n  return EXAMPLES[0][1];\n}\n`;
}

export function expected(source: string, name: string, args: Json[]): Json {
  const result = evaluateJs(source, name, args);
  if (result.error) throw new Error(`reference ${name} threw ${result.error} on ${JSON.stringify(args)}`);
  return result.value!;
}
