import type { Derived, ExpertStep, PlannedCall } from '@workgym/protocol/kit';
import type { EpisodeView } from './view.js';

/**
 * A family instance's expert: the next step at the state `view` shows, following `strategy`
 * (one of the family's strategies or near-misses; "" or an unknown name: the first strategy).
 */
export type Expert = (view: EpisodeView, strategy: string) => ExpertStep;

/** A call the expert makes to learn something, with its reason. */
export interface Look {
  call: PlannedCall;
  why: string | ((view: EpisodeView) => string);
  derived?: Derived[];
}

export function lookStep(look: Look, view: EpisodeView): ExpertStep {
  return { call: look.call, text: typeof look.why === 'string' ? look.why : look.why(view), derived: look.derived };
}

/** A bash command the expert composed from shown words (file names, the task's usage line). */
export function bashLook(command: string, sources: string[], how: string, why: Look['why']): Look {
  return { call: { name: 'bash', arguments: { command } }, why, derived: [{ value: command, sources, how }] };
}

export const SUBMIT: PlannedCall = { name: 'submit', arguments: {} };
export const RUN_TESTS: PlannedCall = { name: 'run_tests', arguments: {} };

export function readFile(path: string): PlannedCall {
  return { name: 'read_file', arguments: { path } };
}

/** The first of `looks` not made yet, as a step. */
export function firstUnmade(looks: readonly Look[], view: EpisodeView): ExpertStep | undefined {
  const look = looks.find((l) => !view.made(l.call));
  return look && lookStep(look, view);
}

/** The first line of `text` in backticks, shortened, for a rationale. */
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

/** An expert that follows the named strategy's policy, or the named near-miss's (the first strategy by default). */
export function byStrategy(
  strategies: Record<string, (view: EpisodeView) => ExpertStep>,
  nearMisses: Record<string, (view: EpisodeView) => ExpertStep>,
): Expert {
  const fallback = Object.values(strategies)[0]!;
  return (view, strategy) => (nearMisses[strategy] ?? strategies[strategy] ?? fallback)(view);
}
