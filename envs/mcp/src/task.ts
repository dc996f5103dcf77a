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
  /** The next move of a strategy or near-miss; tasks of a task file have none. */
  expert?(view: ExpertView): ExpertStep;
}

/** A generated family's instance: the task, once the workspace's path is known. */
export interface McpInstance {
  task(root: string): McpTask;
}

export type FamilyDef = KitFamilyDef<McpInstance>;
