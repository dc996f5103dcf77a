import type { FamilyDef as KitFamilyDef, PlannedCall } from '@workgym/protocol/kit';
import type { Expert } from './expert/step.js';

/** One commit of a generated git history: files set to content, or deleted with null. */
export interface Commit {
  author: string;
  email: string;
  /** Unix seconds; fixed, so the same seed gives the same commit ids. */
  time: number;
  message: string;
  files: Record<string, string | null>;
}

/**
 * How hidden cases are run against a file tree inside the judge's directory. Every suite maps
 * a tree to one result string per case; the verdict compares the agent's results with the
 * reference solution's, case by case.
 */
export type Suite =
  | {
      kind: 'python-calls' | 'js-calls';
      /** Runs once before the cases (imports, hidden helpers). */
      prelude: string;
      /** One expression per case, evaluated after the prelude. */
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

export type HiddenCheck =
  | {
      kind: 'runs';
      /** Files that turn the starting workspace into the reference solution. */
      reference: Record<string, string>;
      suite: Suite;
    }
  | {
      kind: 'answer';
      /** Accepted answers; compared after normalisation (case, quotes, spaces, numbers, paths). */
      accept: string[];
    };

/** One generated task: what the workspace holds, how it is checked, how the expert solves it. */
export interface TaskInstance {
  instruction: string;
  /** Workspace files at the start (for git families, the final tree of the history). */
  files: Record<string, string>;
  /** A history to build .git from; its last commit's tree equals `files`. */
  git?: Commit[];
  /** SQLite databases created at reset from SQL text: path -> SQL. */
  databases?: Record<string, string>;
  /** Command that `run_tests` runs in the workspace, for families with visible tests. */
  testCommand?: string;
  check: HiddenCheck;
  /** The next expert (or near-miss) step at a state of this instance's episode. */
  expert: Expert;
  /** Candidate actions shown with every observation (a bounded list of valid calls, some of them wrong). */
  candidates: PlannedCall[];
}

/** A code family (id `code/<name>`): the kit's family definition, generating code tasks. */
export type FamilyDef = KitFamilyDef<TaskInstance>;
