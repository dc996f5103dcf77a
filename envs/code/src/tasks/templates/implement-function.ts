// Implement one function from its description (visible examples, hidden calls on other inputs).
import type { Rng } from '@workgym/protocol';
import type { Json } from '../function-specs.js';
import { FUNCTION_GUESSES, HARD_CODE_EXAMPLES, IMPLEMENT_STRATEGIES, implementFunctionTask } from '../shapes/implement-function.js';
import { RUNS_COMPONENTS, type FamilyDef, type TaskInstance } from '../task.js';

// CHANGE: the function the agent writes: its name, what it returns, and the reference in
// Python (the hidden check runs it; the expert writes it).
const NAME = 'count_long_words';
const DOC = 'Return how many words of `text` (split on whitespace) are longer than `n` characters.';
const SOLUTION = `def ${NAME}(text, n):\n    """${DOC.replaceAll('`', '')}"""\n    return sum(1 for word in text.split() if len(word) > n)\n`;

// CHANGE: the same function in TypeScript: it gives the visible examples their expected results.
const reference = (text: string, n: number): number => text.split(/\s+/).filter((word) => word.length > n).length;

// CHANGE: plausible bugs of SOLUTION as [right text, wrong text]; the files they give are
// offered as candidates beside the reference.
const BUGS = [
  ['len(word) > n', 'len(word) >= n'],
  ['> n)', '> n + 1)'],
] as const;

/** A text of `long` words longer than n letters and `short` words of at most n, in a seeded order. */
function text(rng: Rng, n: number, long: number, short: number): string {
  const word = (length: number) => rng.chars(length, 'abcdefghijklmnopqrstuvwxyz');
  const words = [...Array.from({ length: long }, () => word(rng.int(n + 1, n + 5))), ...Array.from({ length: short }, () => word(rng.int(1, n)))];
  return rng.shuffle(words).join(' ');
}

function generate(rng: Rng): TaskInstance {
  const n = rng.int(3, 6);
  // CHANGE: the inputs. A few visible examples; more hidden cases, whose results are not all one
  // value (0 to 11 long words), so no constant and no table of the examples passes them.
  const examples = [1, 2, 3].map((long) => text(rng, n, long, 3)).map((t) => ({ args: [t, n], expected: reference(t, n) }));
  const hidden: Json[][] = Array.from({ length: 12 }, (_, long) => [text(rng, n, long, rng.int(0, 4)), n]);
  return implementFunctionTask({ language: 'python', name: NAME, params: ['text', 'n'], doc: DOC, solution: SOLUTION, bugs: BUGS, examples, hidden }, rng);
}

// CHANGE: the description; the strategies, the near-miss, the components and the constant
// attempts are the shape's. A task that states conditions (only words of a letter, only lines
// of a level) lists them as `conditions` and plays each dropped as `relax:<condition>`.
export const templateFamily: FamilyDef = {
  name: 'template-implement-function',
  difficulty: 'easy',
  description: 'Write a Python function that counts the words of a text longer than n letters; hidden calls check it.',
  strategies: IMPLEMENT_STRATEGIES,
  nearMisses: [HARD_CODE_EXAMPLES],
  components: RUNS_COMPONENTS,
  collateral: true,
  guesses: FUNCTION_GUESSES,
  generate,
};
