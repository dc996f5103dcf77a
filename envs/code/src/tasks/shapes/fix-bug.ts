// The "fix a bug" shape: a project whose visible tests fail because of one bug in one module,
// the candidates, and the expert that runs the tests, reads the module, fixes it and checks.
import { guessStrategy, type Rng } from '@workgym/protocol';
import type { PlannedCall } from '@workgym/protocol/kit';
import { quote, readFile, RUN_TESTS, SUBMIT, writeThenSubmit } from '../expert/step.js';
import { failingTests, firstMismatch, testVerdict } from '../expert/tests-output.js';
import type { EpisodeView } from '../expert/view.js';
import { keep, workExpert, type Target } from '../expert/work.js';
import type { Suite, TaskInstance } from '../task.js';

/** The strategies of the shape's expert: `edit_file`, or `cat -n` and `sed -i` (a here-document for a multi-line fix) in bash. */
export const FIX_BUG_STRATEGIES: readonly string[] = ['edit-file', 'sed'];

/**
 * The shape's constant attempt (`guess:<name>`): empty every visible test file, so run_tests has
 * nothing left to fail, and submit. The bug stays and the tests are damage: it never pays.
 */
export const FIX_BUG_GUESSES: readonly string[] = ['empty-tests'];

/** A source module of the project: one function, documented, with its own visible test file. */
export interface SourceModule {
  /** Its workspace path. */
  path: string;
  /** Its content as the finished work holds it: for the broken module, fixed. */
  content: string;
  /** The function it defines, as rationales name it. */
  name: string;
  /** The function's docstring as the module shows it: the spec a fix restores. */
  doc: string;
  /** The workspace path of the visible test file of this function. */
  test: string;
}

/** The arguments of one `edit_file` call. */
export interface Edit {
  path: string;
  old: string;
  new: string;
}

/** What a family of the shape draws for one instance; `fixBugTask` builds the rest. */
export interface FixBugTask {
  instruction: string;
  /** Every starting file: the modules (the broken one holding its bug), their tests, the rest of the project. */
  files: Record<string, string>;
  /** The command run_tests runs; the broken module's tests fail under it at the start. */
  testCommand: string;
  /** The project's source modules; a wrong change to any of them is read and undone by the expert. */
  modules: SourceModule[];
  /** The index in `modules` of the broken one. */
  broken: number;
  /** The edit that fixes the bug (`old` is the bug as the file shows it): a candidate. */
  fix: Edit;
  /** Edits that plant a bug somewhere else: candidates offered beside the fix, in a seeded order. */
  wrongEdits: Edit[];
  /** The hidden cases; they must tell the fixed project from the broken one. */
  suite: Suite;
  /**
   * Near-miss name -> the files it writes before it submits (a test removed, the failing input
   * special-cased): each must fail the hidden cases on every seed.
   */
  nearMisses: Record<string, Record<string, string>>;
}

/**
 * The instance of a "fix a bug" task: the `runs` check of the fixed module against `suite`,
 * the candidates (run the tests, read each module, the fix or a wrong edit in a seeded order,
 * submit) and an expert with the strategies `FIX_BUG_STRATEGIES` and the family's near-misses.
 * `rng` orders the candidates.
 */
export function fixBugTask(task: FixBugTask, rng: Rng): TaskInstance {
  const broken = task.modules[task.broken]!;
  const candidates: PlannedCall[] = [
    RUN_TESTS,
    ...task.modules.map((m) => readFile(m.path)),
    ...rng.shuffle([task.fix, ...task.wrongEdits]).map((edit) => ({ name: 'edit_file', arguments: { ...edit } })),
    SUBMIT,
  ];
  const targets: Target[] = [
    ...task.modules.map((m) => moduleTarget(m)),
    ...Object.entries(task.files)
      .filter(([path]) => !task.modules.some((m) => m.path === path))
      .map(([path, content]) => keep(path, content)),
  ];
  return {
    instruction: task.instruction,
    files: task.files,
    testCommand: task.testCommand,
    check: { kind: 'runs', reference: { [broken.path]: broken.content }, suite: task.suite },
    expert: workExpert({
      strategies: { [FIX_BUG_STRATEGIES[0]!]: 'tools', [FIX_BUG_STRATEGIES[1]!]: 'shell' },
      look: () => [{ call: RUN_TESTS, why: 'Run the tests first, to see which of them fail and what they expect.' }],
      targets,
      check: () => ({ call: RUN_TESTS, why: 'The source changed since the tests last ran: run them again.' }),
      whySubmit: (view) => `The tests pass after the fix (${testVerdict(view.output(RUN_TESTS)) ?? 'no failures'}): submit.`,
      nearMisses: Object.fromEntries(
        Object.entries({ ...task.nearMisses, [guessStrategy(FIX_BUG_GUESSES[0]!)]: Object.fromEntries(task.modules.map((m) => [m.test, ''])) }).map(
          ([name, files]) => [name, (view: EpisodeView) => writeThenSubmit(name, files, view)],
        ),
      ),
    }),
    candidates,
  };
}

/** A module of the project: the broken one is fixed to match its docstring, the others kept so. */
function moduleTarget(m: SourceModule): Target {
  return {
    path: m.path,
    content: m.content,
    sources: [m.doc],
    how: `${m.name} made to do what its docstring says`,
    whyRead: (view: EpisodeView) => {
      const output = view.output(RUN_TESTS);
      const failing = failingTests(output);
      const mismatch = firstMismatch(output);
      const shown =
        failing.length > 0 ? `run_tests shows ${failing.length} failing test(s), first ${failing[0]}${mismatch ? ` (${mismatch})` : ''}` : 'the tests fail';
      return `${shown}; ${m.test} tests ${m.name}, defined in ${m.path}: read it before changing it.`;
    },
    whyChange: (_view, region) =>
      region
        ? `The docstring of ${m.name} says: "${m.doc}" ${quote(region.old)} does not do that; it becomes ${quote(region.new)}.`
        : `${m.path} is missing: write ${m.name} back as its docstring describes it.`,
  };
}
