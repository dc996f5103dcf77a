// The "ask a person, then implement" shape: a Python module whose finished text depends on
// something only one person of the task knows (which spec holds, a setting's value). The
// workspace shows everything else; the expert looks, asks once, writes the module from what it
// heard (or, when nobody answered, its best guess from what it saw), runs the tests and submits.
import { guessStrategy, type Rng } from '@workgym/protocol';
import type { ExpertStep, Person, PlannedCall } from '@workgym/protocol/kit';
import { bashLook, lookStep, readFile, RUN_TESTS, SUBMIT, writeThenSubmit, type Look } from '../expert/step.js';
import { testVerdict } from '../expert/tests-output.js';
import type { EpisodeView } from '../expert/view.js';
import { keep, workExpert, type Style } from '../expert/work.js';
import type { Json } from '../function-specs.js';
import { pyTestFile } from '../render.js';
import type { TaskInstance } from '../task.js';
import { FUNCTION_GUESSES, IMPLEMENT_STRATEGIES, type Example } from './implement-function.js';
import { pyCallsSuite } from './suites.js';

/** What a family of the shape draws for one instance; `askPersonTask` builds the rest. */
export interface AskPersonTask {
  /** The Python module (without `.py`) that holds the function; its test file is `test_<module>.py`. */
  module: string;
  /** The function the hidden cases call. */
  name: string;
  /** Its parameter list as the stub shows it (`base_ms, retries=MAX_RETRIES`). */
  params: string;
  /** The parameter names every call passes (the hidden cases pass these only). */
  args: readonly string[];
  /** The module as the task starts. */
  stub: string;
  /** Other files the agent reads and must keep (the specs): path -> text. */
  docs: Record<string, string>;
  /** The visible examples of the test file: the same result whatever the person says. */
  examples: Example[];
  /** The hidden cases' argument lists: each gives another result for every other value the fact could take. */
  hidden: Json[][];
  /** The only person: their one fact decides the module's text. */
  person: Person;
  /** The module written for each value the fact can take (the person's answer picks one). */
  solutions: Record<string, string>;
  /** The value that holds (the fact's `value`). */
  truth: string;
  /** The module the expert writes when nobody answered: its best guess from what it saw, which fails. */
  fallback: string;
  /** Why the fallback, in the expert's words. */
  fallbackWhy: string;
  /** The shown text the fallback follows (the grounding record's sources). */
  fallbackSources: string[];
  /** How the fallback follows from them. */
  fallbackHow: string;
  /** The shown text a module written for `value` follows, besides the heard value itself. */
  sources(value: string): string[];
  /** How a module written for `value` follows from its sources. */
  how(value: string): string;
  /** Why the expert writes the module for `value` (a rationale quoting what the person said). */
  whyChange(value: string): string;
  /** The instruction: names the person (name, id, role), never the fact's value. */
  instruction: string;
  /** Near-miss name -> the module it writes before submitting. */
  nearMisses: Record<string, string>;
  /** The condition whose relaxation (`relax:<name>`) writes the fallback without asking (none for a fact with no default). */
  condition?: string;
}

/**
 * The instance: the stub, the docs and the visible tests in the workspace, a `runs` check calling
 * the function on the hidden inputs, candidates (run the tests, read each file, write each
 * solution and the fallback in a seeded order, submit) and the expert. The family's `people`
 * reads `people` off the instance.
 */
export function askPersonTask(task: AskPersonTask, rng: Rng): TaskInstance {
  const file = `${task.module}.py`;
  const testFile = `test_${task.module}.py`;
  const tests = pyTestFile(task.module, task.name, task.examples);
  const person = task.person;
  const fact = person.facts[0]!;
  const docPaths = Object.keys(task.docs);
  const reference = task.solutions[task.truth]!;
  const look = (style: Style): Look[] =>
    style === 'tools'
      ? [file, ...docPaths, testFile].map((path) => ({ call: readFile(path), why: `Read ${path} before deciding anything.` }))
      : [
          bashLook(
            `cat ${[file, ...docPaths, testFile].join(' ')}`,
            [file, ...docPaths, testFile],
            'show every file of the task',
            `Show ${file}, ${[...docPaths, testFile].join(', ')} in one go.`,
          ),
        ];
  const strategies: Record<string, Style> = { [IMPLEMENT_STRATEGIES[0]!]: 'tools', [IMPLEMENT_STRATEGIES[1]!]: 'shell' };
  const guesses = Object.fromEntries(FUNCTION_GUESSES.map((guess) => [guessStrategy(guess), constant(task, guess)]));
  const scripted: Record<string, string> = { ...task.nearMisses, ...guesses };
  const relax = task.condition === undefined ? undefined : `relax:${task.condition}`;
  const write = (view: EpisodeView, strategy: string, content: string, sources: string[], how: string, why: string): ExpertStep =>
    workExpert({
      strategies,
      look: () => [],
      targets: [
        { path: file, content, fromScratch: true, sources, how, whyRead: () => `Read ${file} before writing it.`, whyChange: () => why },
        keep(testFile, tests),
        ...docPaths.map((path) => keep(path, task.docs[path]!)),
      ],
      check: () => ({ call: RUN_TESTS, why: `${file} changed since the tests last ran: run them.` }),
      whySubmit: (shown) => `The examples pass (${testVerdict(shown.output(RUN_TESTS)) ?? 'no failures'}); hidden tests check more cases: submit.`,
      nearMisses: {},
    })(view, strategy);
  const candidates: PlannedCall[] = [
    RUN_TESTS,
    readFile(file),
    readFile(testFile),
    ...docPaths.map(readFile),
    ...rng
      .shuffle([...new Set([...Object.values(task.solutions), task.fallback])])
      .map((content) => ({ name: 'write_file', arguments: { path: file, content } })),
    SUBMIT,
  ];
  return {
    instruction: task.instruction,
    files: { [file]: task.stub, [testFile]: tests, ...task.docs },
    testCommand: `python3 -m unittest -v ${testFile.replace(/\.py$/, '')}`,
    check: { kind: 'runs', reference: { [file]: reference }, suite: pyCallsSuite([{ module: task.module, name: task.name, args: task.hidden }]) },
    people: [person],
    candidates,
    expert(view, strategy) {
      const nearMiss = scripted[strategy];
      if (nearMiss !== undefined) return writeThenSubmit(strategy, { [file]: nearMiss }, view);
      const style = strategies[strategy] ?? 'tools';
      const first = look(style).find((l) => !view.made(l.call));
      if (first) return lookStep(first, view);
      const people = view.people!;
      const fallback = () => write(view, strategy, task.fallback, task.fallbackSources, task.fallbackHow, task.fallbackWhy);
      if (strategy === relax) return fallback();
      const heard = people.heard(person.id, fact.id);
      if (heard === undefined && !people.wasAsked(person.id, fact.id)) {
        return people.ask(
          person.id,
          fact.id,
          `The files do not say ${fact.about}; only ${person.name}, the ${person.role}, knows: ask before writing ${file}.`,
        );
      }
      const solution = heard === undefined ? undefined : task.solutions[heard];
      if (heard === undefined || solution === undefined) return fallback();
      return write(view, strategy, solution, [heard, ...task.sources(heard)], task.how(heard), task.whyChange(heard));
    },
  };
}

/** The module of a constant attempt: the function returns its first argument, or None. */
function constant(task: AskPersonTask, guess: string): string {
  const value = guess === 'return-first-argument' ? task.args[0]! : 'None';
  return `def ${task.name}(${task.args.join(', ')}, *rest):\n    return ${value}\n`;
}

/** Lower-case words of a full name joined by a dot: the id the agent messages ("dana.kim"). */
export function personId(name: string): string {
  return name.toLowerCase().replace(/ /g, '.');
}

/** Names the generators draw a person's from. */
export const PERSON_NAMES: readonly string[] = [
  'Dana Kim',
  'Priya Shah',
  'Tomas Berg',
  'Amara Okafor',
  'Lena Fischer',
  'Marco Rossi',
  'Yuki Tanaka',
  'Sofia Lindqvist',
  'Omar Haddad',
  'Grace Mensah',
];
