import { FUNCTION_SPECS, concreteFunction, evaluateJs, type Json } from './function-specs.js';
import type { Rng } from '@workgym/protocol';
import { HARD_CODE_EXAMPLES, IMPLEMENT_STRATEGIES, implementFunctionTask, type Language } from './shapes/implement-function.js';
import type { FamilyDef, TaskInstance } from './task.js';

/** Implement one function against hidden tests; a few examples are visible. */
export function implementFunctionFamily(language: Language): FamilyDef {
  const py = language === 'python';
  return {
    name: py ? 'py-implement-function' : 'js-implement-function',
    difficulty: 'easy',
    description: `Implement a ${py ? 'Python' : 'JavaScript'} function from its description; hidden tests check it.`,
    strategies: IMPLEMENT_STRATEGIES,
    nearMisses: [HARD_CODE_EXAMPLES],
    generate: (rng) => generate(rng, language),
  };
}

function generate(rng: Rng, language: Language): TaskInstance {
  const py = language === 'python';
  const spec = rng.pick(FUNCTION_SPECS);
  const fn = concreteFunction(spec, rng);
  const examples = spec.inputs(rng.fork(1), fn.constants, 3).map((args) => ({ args, expected: expected(fn.js, fn.name, args) }));
  const hidden = spec.inputs(rng.fork(2), fn.constants, 12);
  const doc = fn.doc.replaceAll('`', '');
  const solution = py ? `${fn.py.replace(/:\n/, `:\n    """${doc}"""\n`)}\n` : `/** ${doc} */\nexport ${fn.js}\n`;
  const bugs = spec.bugs.map((bug) => (py ? bug.py : bug.js));
  return implementFunctionTask({ language, name: fn.name, params: spec.args, doc: fn.doc, solution, bugs, examples, hidden }, rng);
}

export function expected(source: string, name: string, args: Json[]): Json {
  const result = evaluateJs(source, name, args);
  if (result.error) throw new Error(`reference ${name} threw ${result.error} on ${JSON.stringify(args)}`);
  return result.value!;
}
