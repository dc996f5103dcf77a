import type { FamilyDef as KitFamilyDef, Person, PlannedCall } from '@workgym/protocol/kit';
import type { Expert } from './expert/step.js';

/**
 * One commit of a generated git history (`TaskInstance.git`). The reset replays the commits in
 * order with `git fast-import`, so the same seed gives the same commit ids.
 */
export interface Commit {
  /** The author's name, as `git log` shows it (also the committer). */
  author: string;
  /** The author's e-mail address. */
  email: string;
  /** Unix seconds; drawn from the seed, never the clock, so commit ids are reproducible. */
  time: number;
  /** The commit message; its first line is the subject `git log --oneline` shows. */
  message: string;
  /** The files this commit changes: path -> new content, or null to delete the file. */
  files: Record<string, string | null>;
}

/**
 * How hidden cases are run against a file tree inside the judge's directory. Every suite maps
 * a tree to one result string per case; the verdict compares the agent's results with the
 * reference solution's, case by case. The judge runs the suite three times: on the reference
 * (the start plus `reference`), on the untouched start and on the agent's workspace; cases where
 * the reference and the start differ are the hidden tests, the rest regression tests. Build the
 * call suites with `pyCallsSuite` / `jsCallsSuite` (src/tasks/shapes/suites.ts).
 *
 * - `python-calls`: `prelude` is Python run once (imports, helpers); each case is one Python
 *   expression whose value is the result (`pyCall` writes one).
 * - `js-calls`: `prelude` is the body of an async function given `load(path)` (imports a module
 *   of the tree) that returns the context object; each case is a JavaScript expression over
 *   `ctx` (`jsCall` writes one: `ctx.m0.name(...args)`).
 * - `script`: `command` runs once per input, with the input file at `inputPath`; the result is
 *   what it wrote to `outputPath`.
 */
export type Suite =
  | {
      kind: 'python-calls' | 'js-calls';
      /** Runs once before the cases (imports, hidden helpers); never written to disk. */
      prelude: string;
      /** One expression per case, evaluated after the prelude; each is sent only when it is asked. */
      cases: string[];
    }
  | {
      kind: 'script';
      /** Shell command run in the tree; it reads `inputPath` and writes `outputPath`. */
      command: string;
      inputPath: string;
      outputPath: string;
      /** One input file content per case. */
      inputs: string[];
    };

/**
 * How an instance is judged at submit. `runs`: the suite is run on the reference, the start and
 * the agent's workspace (reward = hidden tests passed x regression tests passed; the start
 * scores 0 by construction). `answer`: the answer tool's text is compared with `accept`.
 */
export type HiddenCheck =
  | {
      kind: 'runs';
      /** Files that turn the starting workspace into the reference solution (path -> content). */
      reference: Record<string, string>;
      suite: Suite;
    }
  | {
      kind: 'passes';
      /** Files that turn the starting workspace into the reference solution (path -> content). */
      reference: Record<string, string>;
      /**
       * Files only the judge sees (path -> content), added to the judged tree after the starting
       * files the reference leaves unchanged are put back as they were.
       */
      hidden: Record<string, string>;
      test: PassTest;
    }
  | {
      kind: 'state';
      /**
       * Python run once, as the judge user, with the agent's workspace itself as its working
       * directory (read, never written or copied, so sizes, holes, modes and times are as the
       * agent left them): the parsers and the hidden truth. It must drop '.' from sys.path before
       * importing anything, so no module the agent planted is imported.
       */
      prelude: string;
      /**
       * The family's components by name, each a Python expression over the prelude's names whose
       * value is [share, detail]: share 0..1 (1 when the component holds), detail a short text
       * for the verdict. The judge names exactly these.
       */
      components: Record<string, string>;
    }
  | {
      kind: 'modes';
      /**
       * Every path the task judges (files and directories, relative to the workspace) -> the
       * permission bits it must end with. Read from the workspace itself with lstat: a copy
       * would not keep them, and the judge user cannot enter the directories a policy closes.
       */
      expected: Record<string, number>;
    }
  | {
      kind: 'answer';
      /** Accepted answers; compared after normalisation (case, quotes, spaces, numbers, paths). The first is the one a candidate offers. */
      accept: string[];
    };

/**
 * The components of a generated family's `runs` verdict, in credit order (declared by every such
 * family). Every other file kept is the kit's guard `no_collateral` (see `expectsChange`).
 */
export const RUNS_COMPONENTS = [
  { name: 'hidden_tests', kind: 'progress' },
  { name: 'regression_tests', kind: 'guard' },
] as const;

/** The components of a generated family's `answer` verdict, in credit order (the files kept: `no_collateral`). */
export const ANSWER_COMPONENTS = [{ name: 'answer', kind: 'progress' }] as const;

/**
 * The components of a `modes` verdict, in credit order. `modes_set` is all or nothing: each
 * rule of a permission policy is a condition, and a policy half applied (the keys still
 * readable by everyone) is not half safe. Every other mode and byte kept is `no_collateral`.
 */
export const MODES_COMPONENTS = [{ name: 'modes_set', kind: 'progress' }] as const;

/**
 * The test of a `passes` check (task-set tasks: the suite's own test decides, not a comparison
 * with the reference's results):
 * - `python-cases`: the harness runs `prelude`, then each case (a Python expression); a case
 *   passes when its value is `PASSED`, within `seconds`.
 * - `command`: a shell command run in the judged tree; exit 0 within `timeoutS` passes.
 */
export type PassTest = { kind: 'python-cases'; prelude: string; cases: string[]; seconds: number } | { kind: 'command'; command: string; timeoutS: number };

/** The value a `python-cases` case returns when the test it runs passed. */
export const PASSED = 'workgym-test-passed';

/**
 * One generated task: what the workspace holds, how it is checked, how the expert solves it.
 * `generate(rng)` of a code family returns it; the shape helpers (`implementFunctionTask`,
 * `fixBugTask`, `findAnswerTask`) build one from what a family draws.
 */
export interface TaskInstance {
  /** What the agent is asked to do, shown at reset; name every file or command the expert uses without looking. */
  instruction: string;
  /** Workspace files at the start, path -> text (for git families, the final tree of the history). */
  files: Record<string, string>;
  /** A history to build .git from; its last commit's tree equals `files`. */
  git?: Commit[];
  /**
   * Apparent sizes in bytes (path -> size) of files of `files` that the reset extends with a
   * hole after writing them: a big log or core dump that costs no memory (`ls -l` and `find
   * -size` show the size; `du` shows the blocks, almost none).
   */
  sizes?: Record<string, number>;
  /** Ages in seconds (path -> age) of files of `files`: the reset sets their modification times that long before it. */
  ages?: Record<string, number>;
  /**
   * Permission bits set at reset once the files are written: path -> mode, for files and the
   * directories that hold them (deepest first, so a closed directory is set last).
   */
  modes?: Record<string, number>;
  /** SQLite databases created at reset from SQL text: path -> SQL. */
  databases?: Record<string, string>;
  /** Command that `run_tests` runs in the workspace, for families with visible tests. */
  testCommand?: string;
  check: HiddenCheck;
  /**
   * Workspace paths the task may change besides those its check names (a `runs` check's
   * reference files, the paths whose mode a `modes` check sets): the files a `state` check
   * judges, scratch space the instruction grants. A directory covers all it holds. Any other
   * change fails the kit's guard `no_collateral` (see `expectsChange`).
   */
  changes?: readonly string[];
  /** Who the agent can reach and what only they know (a family listing `people`, whose `people` returns these). */
  people?: Person[];
  /** The next expert (or near-miss) step at a state of this instance's episode (`workExpert`, `byStrategy`). */
  expert: Expert;
  /**
   * Candidate actions shown with every observation: a bounded list of valid calls, some of them
   * wrong, with one that solves each file the task changes (or the right answer).
   */
  candidates: PlannedCall[];
}

/**
 * A code family (id `code/<name>`): the kit's family definition (name, difficulty,
 * description, strategies, near-misses, `generate(rng)`), generating `TaskInstance`s. List it
 * in `FAMILIES` (src/tasks/index.ts).
 */
export type FamilyDef = KitFamilyDef<TaskInstance>;

/**
 * The workspace paths a task may change (`TaskInstance.changes` is where a family declares
 * more): a `runs` or `passes` check's reference files, the paths a `modes` check moves off their
 * starting mode; an `answer` check's task changes nothing.
 */
export function declaredChanges(instance: TaskInstance): string[] {
  const check = instance.check;
  const own =
    check.kind === 'runs' || check.kind === 'passes'
      ? Object.keys(check.reference)
      : check.kind === 'modes'
        ? Object.keys(check.expected).filter((path) => instance.modes?.[path] !== check.expected[path])
        : [];
  return [...own, ...(instance.changes ?? [])];
}

/**
 * Whether the task expects the workspace path `path` to change: a declared path or what lies
 * below one. The directories above a declared path are not (a policy's closed directory keeps
 * its mode while the files in it change).
 */
export function expectsChange(declared: readonly string[], path: string): boolean {
  return declared.some((d) => path === d || path.startsWith(`${d}/`));
}
