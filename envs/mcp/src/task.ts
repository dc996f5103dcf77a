import type { Verdict } from '@workgym/protocol';
import type { FamilyDef as KitFamilyDef, ExpertStep, PlannedCall } from '@workgym/protocol/kit';

/**
 * How a task is judged, against its own hidden truth (nothing of it is in the workspace): a
 * check command run in the workspace after the MCP server has stopped (exit 0 passes), and/or
 * the files the workspace must end with (path relative to the workspace -> exact content, or
 * null for "must not exist"). Every part given must pass.
 */
export interface McpVerifier {
  check?: string;
  files?: Readonly<Record<string, string | null>>;
  /**
   * A generated family's own verdict (success and its declared components, no reward), from
   * what the workspace holds; replaces `check` and `files`. Task files have none.
   */
  judge?(workspace: WorkspaceView): Promise<Verdict>;
}

/** What a generated family's judge may look at: files, never followed through a link (the kit judges the rest of the tree). */
export interface WorkspaceView {
  /** A file's content, null when nothing is there, or why it cannot be compared (a folder, a link, too large). */
  read(path: string): Promise<{ content: string | null } | { problem: string }>;
}

/** What the expert may look at: what the episode has shown and which calls it has made. */
export interface ExpertView {
  /** The workspace's absolute path, as the instruction shows it. */
  root: string;
  /** The strategy or near-miss being played. */
  strategy: string;
  shown(text: string): boolean;
  made(call: PlannedCall): boolean;
}

/** One task as a session plays it. */
export interface McpTask {
  instruction: string;
  /** The workspace's files at the start (path relative to the workspace -> content). */
  files: Readonly<Record<string, string>>;
  verifier: McpVerifier;
  /**
   * The changes the task asks for, as keys of the workspace's snapshot (`file:data/visits.csv`),
   * from the generated task, never from the workspace at the end. A family with `collateral: true`
   * declares them, and the kit fails any other change on its guard `no_collateral`.
   */
  expectsChange?(key: string): boolean;
  /** The next move of a strategy or near-miss; tasks of a task file have none. */
  expert?(view: ExpertView): ExpertStep;
}

/** A generated family's instance: the task, once the workspace's path is known. */
export interface McpInstance {
  task(root: string): McpTask;
}

export type FamilyDef = KitFamilyDef<McpInstance>;
