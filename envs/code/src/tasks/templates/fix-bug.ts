// Fix a seeded bug in a small Python module whose visible tests fail; hidden calls check the fix.
import type { Rng } from '@workgym/protocol';
import { replaceOnce, type Json } from '../function-specs.js';
import { pyTestFile } from '../render.js';
import { FIX_BUG_GUESSES, FIX_BUG_STRATEGIES, fixBugTask } from '../shapes/fix-bug.js';
import { pyCallsSuite } from '../shapes/suites.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from '../task.js';

// CHANGE: the module as it should be: one function whose docstring is the spec a fix restores.
const MODULE = 'shop.prices';
const PATH = 'shop/prices.py';
const NAME = 'discounted_total';
const DOC = 'The sum of prices (whole cents) less discount percent, rounded down.';
const SOURCE = `def ${NAME}(prices, discount):\n    """${DOC}"""\n    return sum(prices) * (100 - discount) // 100\n`;

// CHANGE: the same function in TypeScript: it gives the visible tests their expected results.
const total = (prices: number[], discount: number): number => Math.floor((prices.reduce((a, b) => a + b, 0) * (100 - discount)) / 100);

// CHANGE: the bugs a seed plants, as [right text, buggy text]; every input must expose each.
const BUGS: readonly [string, string][] = [
  ['(100 - discount)', '(100 + discount)'],
  ['sum(prices)', 'sum(prices[1:])'],
  ['// 100', '// 10'],
];

function generate(rng: Rng): TaskInstance {
  // CHANGE: the inputs: some prices and a discount above 0, so that every bug shows.
  const input = (): Json[] => [Array.from({ length: rng.int(1, 5) }, () => rng.int(100, 5000)), rng.int(5, 50)];
  const examples = [input(), input(), input()].map((args) => ({ args, expected: total(...(args as [number[], number])) }));
  const shown = new Set(examples.map((e) => JSON.stringify(e.args)));
  const [bug, other] = rng.sample(BUGS, 2) as [[string, string], [string, string]];
  const test = 'tests/test_prices.py';
  const tests = (shown: typeof examples) => pyTestFile(MODULE, NAME, shown);
  return fixBugTask(
    {
      instruction: `The tests of ${NAME} (${PATH}) fail. Fix the bug in the source, not in the tests; run_tests runs them, hidden tests check more inputs. Call submit when you are done.`,
      files: { [PATH]: replaceOnce(SOURCE, ...bug)!, 'shop/__init__.py': '', 'tests/__init__.py': '', [test]: tests(examples) },
      testCommand: 'python3 -m unittest discover -v -s tests -t .',
      modules: [{ path: PATH, content: SOURCE, name: NAME, doc: DOC, test }],
      broken: 0,
      fix: { path: PATH, old: bug[1], new: bug[0] },
      wrongEdits: [{ path: PATH, old: other[0], new: other[1] }],
      // Hidden inputs are never the visible ones: a table of the examples earns nothing.
      suite: pyCallsSuite([{ module: MODULE, name: NAME, args: Array.from({ length: 10 }, input).filter((args) => !shown.has(JSON.stringify(args))) }]),
      // CHANGE: near-misses, as the files each writes before it submits; the hidden cases must fail them.
      nearMisses: { 'delete-failing-test': { [test]: tests(examples.slice(1)) } },
    },
    rng,
  );
}

// CHANGE: the description and the near-miss names (the keys of `nearMisses` above); the
// components and the constant attempt are the shape's.
export const templateFamily: FamilyDef = {
  name: 'template-fix-bug',
  difficulty: 'medium',
  description: 'Fix a seeded bug in a Python pricing function whose visible tests fail.',
  strategies: FIX_BUG_STRATEGIES,
  nearMisses: ['delete-failing-test'],
  components: RUNS_COMPONENTS,
  collateral: true,
  guesses: FIX_BUG_GUESSES,
  generate,
};
