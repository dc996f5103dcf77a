import { FUNCTION_SPECS, concreteFunction, evaluateJs, type ConcreteFunction, type Json } from './function-specs.js';
import type { Rng } from '@workgym/protocol';
import { ACT_ANYWAY } from './expert/step.js';
import { FUNCTION_GUESSES, HARD_CODE_EXAMPLES, IMPLEMENT_STRATEGIES, implementFunctionTask, type Example, type Language } from './shapes/implement-function.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from './task.js';

/**
 * Implement one function against hidden tests; a few examples are visible. The Python family
 * lists the `infeasible` feature: on those seeds two examples make the same call and expect
 * different results (the spec contradicts itself), which the agent finds by reading or running
 * the examples.
 */
export function implementFunctionFamily(language: Language): FamilyDef {
  const py = language === 'python';
  return {
    ...(py ? { features: ['infeasible'] as const } : {}),
    name: py ? 'py-implement-function' : 'js-implement-function',
    difficulty: 'easy',
    description: `Implement a ${py ? 'Python' : 'JavaScript'} function from its description; hidden tests check it.`,
    strategies: IMPLEMENT_STRATEGIES,
    nearMisses: py ? [HARD_CODE_EXAMPLES, ACT_ANYWAY] : [HARD_CODE_EXAMPLES],
    components: RUNS_COMPONENTS,
    collateral: true,
    guesses: FUNCTION_GUESSES,
    generate: (rng, _task, _tier, variant) => generate(rng, language, variant.infeasible),
  };
}

function generate(rng: Rng, language: Language, infeasible: boolean): TaskInstance {
  const py = language === 'python';
  const spec = rng.pick(FUNCTION_SPECS);
  const fn = concreteFunction(spec, rng);
  const examples = spec.inputs(rng.fork(1), fn.constants, 3).map((args) => ({ args, expected: expected(fn.js, fn.name, args) }));
  const hidden = hiddenInputs(
    rng,
    fn,
    examples.map((e) => JSON.stringify(e.args)),
  );
  const doc = fn.doc.replaceAll('`', '');
  const contradiction = infeasible ? contradict(rng, examples, fn, hidden) : undefined;
  const solution = py ? `${fn.py.replace(/:\n/, `:\n    """${doc}"""\n`)}\n` : `/** ${doc} */\nexport ${fn.js}\n`;
  const bugs = spec.bugs.map((bug) => (py ? bug.py : bug.js));
  return implementFunctionTask({ language, name: fn.name, params: spec.args, doc: fn.doc, solution, bugs, examples, hidden, contradiction }, rng);
}

/**
 * Makes the last example repeat the call of one of the others (drawn) with another result (a
 * hidden case's), so no function passes both; the three examples keep their number and form.
 * Returns the two positions, earlier first.
 */
function contradict(rng: Rng, examples: Example[], fn: ConcreteFunction, hidden: Json[][]): [number, number] {
  const last = examples.length - 1;
  const copied = rng.int(0, last - 1);
  const right = JSON.stringify(examples[copied]!.expected);
  // The hidden results are never all one value, so one differs from the copied example's.
  const other = hidden.map((args) => expected(fn.js, fn.name, args)).find((value) => JSON.stringify(value) !== right)!;
  examples[last] = { args: examples[copied]!.args, expected: other };
  return [copied, last];
}

/**
 * Twelve hidden argument lists, none a visible example's, whose results are not all one value
 * and not all the first argument (so no constant attempt passes them all): drawn again from the
 * next salt where they would be.
 */
function hiddenInputs(rng: Rng, fn: ConcreteFunction, visible: readonly string[]): Json[][] {
  for (let salt = 2; ; salt++) {
    const hidden = fn.spec.inputs(rng.fork(salt), fn.constants, 12 + visible.length).filter((args) => !visible.includes(JSON.stringify(args)));
    const results = hidden.slice(0, 12).map((args) => JSON.stringify(expected(fn.js, fn.name, args)));
    const identity = hidden.slice(0, 12).every((args, i) => JSON.stringify(args[0]) === results[i]);
    if (new Set(results).size >= 2 && !identity) return hidden.slice(0, 12);
  }
}

export function expected(source: string, name: string, args: Json[]): Json {
  const result = evaluateJs(source, name, args);
  if (result.error) throw new Error(`reference ${name} threw ${result.error} on ${JSON.stringify(args)}`);
  return result.value!;
}
