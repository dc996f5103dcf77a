import type { Derived, ExpertStep, PlannedCall } from '@workgym/protocol/kit';
import type { EpisodeView } from './view.js';

/**
 * A family instance's expert: the next step at the state `view` shows, following `strategy`
 * (one of the family's strategies or near-misses; "" or an unknown name: the first strategy).
 */
export type Expert = (view: EpisodeView, strategy: string) => ExpertStep;

/** A call the expert makes to learn something (run the tests, read a file, search), with its reason. */
export interface Look {
  /** The call; every argument must have been shown, or be declared in `derived`. */
  call: PlannedCall;
  /** The step's rationale, fixed or from what the episode showed so far. */
  why: string | ((view: EpisodeView) => string);
  /** The values of the call the expert composed (a command line), with the shown text they come from. */
  derived?: Derived[];
}

/** `look` as an expert step at the state `view` shows (its rationale computed there). */
export function lookStep(look: Look, view: EpisodeView): ExpertStep {
  return { call: look.call, text: typeof look.why === 'string' ? look.why : look.why(view), derived: look.derived };
}

/**
 * A `bash` look whose command the expert composed from shown words (file names, the task's
 * usage line): `sources` are those words, `how` says how the command follows from them, `why`
 * is the step's rationale. Returns the Look with the command declared as derived.
 */
export function bashLook(command: string, sources: string[], how: string, why: Look['why']): Look {
  return { call: { name: 'bash', arguments: { command } }, why, derived: [{ value: command, sources, how }] };
}

/**
 * The near-miss every family with infeasible seeds declares: on such a seed it does the closest
 * feasible thing (writes the function the description asks for, answers about the nearest item
 * that exists); on a feasible seed something wrong of the same kind. It must fail on every seed.
 */
export const ACT_ANYWAY = 'act-anyway';

/** The `submit` call: ends the episode and runs the hidden check. */
export const SUBMIT: PlannedCall = { name: 'submit', arguments: {} };
/** The `run_tests` call: runs the instance's `testCommand`. */
export const RUN_TESTS: PlannedCall = { name: 'run_tests', arguments: {} };

/** The `read_file` call of a workspace path (the whole file). */
export function readFile(path: string): PlannedCall {
  return { name: 'read_file', arguments: { path } };
}

/** The first of `looks` not made yet in this episode, as a step; undefined once every one was made. */
export function firstUnmade(looks: readonly Look[], view: EpisodeView): ExpertStep | undefined {
  const look = looks.find((l) => !view.made(l.call));
  return look && lookStep(look, view);
}

/** The first non-blank line of `text`, trimmed, in backticks and cut to 90 characters: a code quote for a rationale. */
export function quote(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  const trimmed = line.trim();
  return `\`${trimmed.length > 90 ? `${trimmed.slice(0, 87)}...` : trimmed}\``;
}

/**
 * A scripted near-miss: writes each file of `files` that does not hold its content yet, then
 * submits (a policy that games the verifier; the conformance check runs it).
 */
export function writeThenSubmit(name: string, files: Record<string, string>, view: EpisodeView): ExpertStep {
  for (const [path, content] of Object.entries(files)) {
    if (view.content(path) !== content) return { call: { name: 'write_file', arguments: { path, content } }, text: `near-miss ${name}: write ${path}` };
  }
  return { call: SUBMIT, text: `near-miss ${name}: submit` };
}

/**
 * An expert from one policy per strategy and per near-miss (name -> next step at a state):
 * it follows the named one, and the first strategy for "" or an unknown name. For families that
 * change no files (question families); file-changing families use `workExpert`.
 */
export function byStrategy(
  strategies: Record<string, (view: EpisodeView) => ExpertStep>,
  nearMisses: Record<string, (view: EpisodeView) => ExpertStep>,
): Expert {
  const fallback = Object.values(strategies)[0]!;
  return (view, strategy) => (nearMisses[strategy] ?? strategies[strategy] ?? fallback)(view);
}
