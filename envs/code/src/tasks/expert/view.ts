import { ShownText } from '@workgym/protocol';
import type { People, PlannedCall } from '@workgym/protocol/kit';

/**
 * What the expert may know of an episode: the workspace as it is now and what the episode has
 * shown. Experts decide from this alone (never from a step counter), so they carry on from
 * whatever state a random or learned action left.
 */
export interface EpisodeView {
  /** The text of a workspace file now; undefined when it is not a readable regular file. */
  content(path: string): string | undefined;
  /** The permission bits of a workspace path now (not following a link); undefined when there is nothing. */
  mode(path: string): number | undefined;
  /** Whether the episode has shown `text` (whitespace runs collapsed, as the grounding rule reads it). */
  shown(text: string): boolean;
  /** Whether `call` ran without error while every file in `unchanged` held what it holds now. */
  made(call: PlannedCall, unchanged?: readonly string[]): boolean;
  /** What the latest successful run of `call` showed. */
  output(call: PlannedCall): string | undefined;
  /** The task's people and what they have said (a family listing `people`); the expert asks them through it. */
  readonly people?: People;
}

interface Made {
  key: string;
  output: string;
  failed: boolean;
  /** The watched files' contents right after the call. */
  files: Map<string, string | undefined>;
}

/** The session's record of its episode, read by the expert through EpisodeView. */
export class EpisodeHistory implements EpisodeView {
  private readonly text = new ShownText();
  private readonly calls: Made[] = [];

  /**
   * @param read the current text of a workspace file
   * @param watched the files whose state a call is remembered with (the task's files)
   * @param readMode the current permission bits of a workspace path
   * @param people the episode's people, for a family that has them
   */
  constructor(
    private readonly read: (path: string) => string | undefined,
    private readonly watched: readonly string[],
    private readonly readMode: (path: string) => number | undefined = () => undefined,
    readonly people?: People,
  ) {}

  /** Text the agent was shown outside any call (the instruction, the tools, the first observation). */
  show(text: string): void {
    this.text.add(text);
  }

  record(call: PlannedCall, output: string, failed = false): void {
    this.text.add(output);
    this.calls.push({ key: callKey(call), output, failed, files: new Map(this.watched.map((path) => [path, this.read(path)])) });
  }

  content(path: string): string | undefined {
    return this.read(path);
  }

  mode(path: string): number | undefined {
    return this.readMode(path);
  }

  shown(text: string): boolean {
    return this.text.contains(text);
  }

  made(call: PlannedCall, unchanged: readonly string[] = []): boolean {
    const key = callKey(call);
    const now = unchanged.map((path) => this.read(path));
    return this.calls.some((c) => c.key === key && !c.failed && unchanged.every((path, i) => c.files.get(path) === now[i]));
  }

  output(call: PlannedCall): string | undefined {
    const key = callKey(call);
    return this.calls.findLast((c) => c.key === key && !c.failed)?.output;
  }
}

/** One text per distinct call: the name and the arguments with their keys sorted. */
function callKey(call: PlannedCall): string {
  const args = Object.keys(call.arguments)
    .sort()
    .map((key) => [key, call.arguments[key]]);
  return `${call.name} ${JSON.stringify(args)}`;
}
