import type { Verdict } from '@workgym/protocol';
import type { HiddenCheck } from '../tasks/task.js';
import { sameValue } from './compare.js';

/** One case's result in one run: the harness's {"value"} or {"error"}, or undefined for none. */
export type RunResult = unknown;
type RunsCheck = Extract<HiddenCheck, { kind: 'runs' }>;

/**
 * The verdict from the three runs of a family's cases: the reference solution's, the untouched
 * starting files', and the agent's. A case counts as hidden when the reference and the starting
 * files disagree on it, as a regression guard when they agree. No reward: the server pays
 * success or the shaped reward of RUNS_COMPONENTS (tasks/task.ts); the kit's `no_collateral`
 * judges the files the task does not ask to change.
 */
export function scoreRuns(check: RunsCheck, reference: RunResult[], original: RunResult[], agent: RunResult[]): Verdict {
  const usable = reference.map((_, i) => i).filter((i) => reference[i] !== undefined);
  // Cases the untouched workspace already passes only guard against regressions: an agent
  // that changes nothing passes none of the rest, so it scores exactly 0.
  const hidden = usable.filter((i) => !sameValue(reference[i], original[i]));
  const regression = usable.filter((i) => sameValue(reference[i], original[i]));
  const passes = (i: number) => agent[i] !== undefined && sameValue(agent[i], reference[i]);
  const hiddenPassed = hidden.filter(passes);
  const regressionPassed = regression.filter(passes).length;
  const components = {
    hidden_tests: hiddenCredit(hidden, hiddenPassed, reference),
    regression_tests: regression.length === 0 ? 1 : regressionPassed / regression.length,
  };
  const failed = usable.find((i) => !passes(i));
  const parts = [`${hiddenPassed.length}/${hidden.length} hidden tests pass`];
  if (regression.length > 0) parts.push(`${regressionPassed}/${regression.length} regression tests pass`);
  if (usable.length < reference.length) parts.push(`${reference.length - usable.length} case(s) skipped: the reference gave no result`);
  if (failed !== undefined) {
    parts.push(`first failure: ${caseName(check, failed)}: expected ${clip(JSON.stringify(reference[failed]), 200)}, got ${shown(agent[failed])}`);
  }
  const broken = familyFault(check, reference, hidden.length);
  return {
    success: hidden.length > 0 && failed === undefined,
    components,
    detail: [...(broken ? [broken] : []), ...parts].join('; '),
  };
}

/**
 * The share of hidden cases passed, or 0 when the cases passed all expect one result short of
 * passing them all: a constant, or a table of the visible examples that falls back to one for
 * every other input, passes exactly those and earns nothing.
 */
function hiddenCredit(hidden: readonly number[], passed: readonly number[], reference: readonly RunResult[]): number {
  if (hidden.length === 0) return 0;
  if (passed.length === hidden.length) return 1;
  const results = new Set(passed.map((i) => JSON.stringify(reference[i])));
  return results.size < 2 ? 0 : passed.length / hidden.length;
}

/** The verdict of an `answer` check (the task changes no file: the kit's `no_collateral` judges that). */
export function scoreAnswer(ok: boolean, answer: string | undefined): Verdict {
  return {
    success: ok,
    components: { answer: ok ? 1 : 0 },
    detail: answer === undefined ? 'no answer was given' : ok ? 'the answer is correct' : `the answer ${JSON.stringify(answer.slice(0, 200))} is wrong`,
  };
}

/**
 * The verdict of a `modes` check: `wrong` says which asked-for paths do not hold their mode
 * (all must: see MODES_COMPONENTS). Modes and bytes the policy leaves as they were are the
 * kit's `no_collateral`.
 */
export function scoreModes(wrong: readonly string[]): Verdict {
  return {
    success: wrong.length === 0,
    components: { modes_set: wrong.length === 0 ? 1 : 0 },
    detail: wrong.length === 0 ? 'every path the policy covers has its mode' : `${wrong.length} path(s) off the policy: ${changedList(wrong)}`,
  };
}

/** A mode as `ls` readers and chmod users write it (0640), or "missing" (nothing there, or a link). */
export function describeMode(mode: number | undefined): string {
  return mode === undefined ? 'missing' : mode.toString(8).padStart(4, '0');
}

function changedList(changed: readonly string[]): string {
  return changed.length <= 3 ? changed.join(', ') : `${changed.slice(0, 3).join(', ')} and ${changed.length - 3} more`;
}

/**
 * What is wrong with the family itself, for its author, when nothing an agent does could
 * succeed: the reference solution fails its own cases, or no case tells it and the starting
 * files apart.
 */
function familyFault(check: RunsCheck, reference: RunResult[], hidden: number): string | undefined {
  const errors = reference.map(errorOf);
  const prelude = errors.find((e) => e?.startsWith('prelude '));
  if (prelude && errors.every((e) => e === prelude)) {
    return `FAMILY BROKEN: the reference solution failed to load (${prelude}) on all ${reference.length} cases: fix the family's reference files or its prelude`;
  }
  if (reference.length > 0 && reference.every((r) => r === undefined)) {
    return `FAMILY BROKEN: the reference solution gave no result on any of its ${reference.length} cases: fix the family's reference or its command`;
  }
  if (reference.length > 0 && errors.every((e) => e !== undefined)) {
    return `FAMILY BROKEN: the reference solution raised on all ${reference.length} cases (first: ${caseName(check, 0)} raised ${errors[0]}): fix the family's reference`;
  }
  if (hidden === 0 && reference.some((r) => r !== undefined)) {
    return 'FAMILY BROKEN: no case tells the reference solution and the starting files apart, so no work can succeed: add cases the starting files fail';
  }
  return undefined;
}

function errorOf(result: RunResult): string | undefined {
  return result && typeof result === 'object' && 'error' in result ? String(result.error) : undefined;
}

function caseName(check: RunsCheck, index: number): string {
  return check.suite.kind === 'script' ? `input #${index + 1}` : clip(check.suite.cases[index]!, 160);
}

const shown = (result: RunResult) => (result === undefined ? 'no result' : clip(JSON.stringify(result), 200));

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}...`;
}

/** One run of a task-set task's own test: whether each case passed, and what the first failure showed. */
export interface PassRun {
  passed: boolean[];
  failure?: string;
}

/**
 * The verdict of a task-set task: success when every case of its own test passes on the
 * agent's workspace (reward = the share that pass, component `tests`). A reference solution
 * that fails its own test is named in the detail, for the task's author.
 */
export function scorePasses(reference: PassRun, agent: PassRun): Verdict {
  const cases = agent.passed.length;
  const passed = agent.passed.filter(Boolean).length;
  const reward = cases === 0 ? 0 : passed / cases;
  const parts = [`${passed}/${cases} tests pass`];
  if (agent.failure) parts.push(`first failure: ${clip(agent.failure, 800)}`);
  if (reference.failure)
    parts.unshift(`TASK BROKEN: the reference solution fails its own test (${clip(reference.failure, 400)}): fix the task's reference or its test`);
  return { reward, success: cases > 0 && passed === cases, components: { tests: reward }, detail: parts.join('; ') };
}

/**
 * The verdict of a `state` check: each component's share as its Python expression computed it
 * ([share, detail]); a component that raised or gave no result gets 0. Success when every one is 1.
 */
export function scoreState(names: readonly string[], results: readonly RunResult[]): Verdict {
  const components: Record<string, number> = {};
  const parts: string[] = [];
  for (const [i, name] of names.entries()) {
    const [share, detail] = stateResult(results[i]);
    components[name] = share;
    parts.push(`${name}: ${detail}`);
  }
  return { success: names.length > 0 && Object.values(components).every((share) => share === 1), components, detail: parts.join('; ') };
}

function stateResult(result: RunResult): [number, string] {
  const error = errorOf(result);
  if (error !== undefined) return [0, `the check raised ${error}`];
  const value = result && typeof result === 'object' && 'value' in result ? result.value : undefined;
  if (!Array.isArray(value) || typeof value[0] !== 'number') return [0, `no result (${shown(result)})`];
  return [Math.min(1, Math.max(0, value[0])), clip(String(value[1] ?? ''), 300)];
}
