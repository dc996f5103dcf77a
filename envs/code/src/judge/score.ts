import type { Verdict } from '@workgym/protocol';
import type { HiddenCheck } from '../tasks/task.js';
import { sameValue } from './compare.js';

/** One case's result in one run: the harness's {"value"} or {"error"}, or undefined for none. */
export type RunResult = unknown;
type RunsCheck = Extract<HiddenCheck, { kind: 'runs' }>;

/**
 * The verdict from the three runs of a family's cases: the reference solution's, the untouched
 * starting files', and the agent's. A case counts as hidden when the reference and the starting
 * files disagree on it, as a regression guard when they agree.
 */
export function scoreRuns(check: RunsCheck, reference: RunResult[], original: RunResult[], agent: RunResult[]): Verdict {
  const usable = reference.map((_, i) => i).filter((i) => reference[i] !== undefined);
  // Cases the untouched workspace already passes only guard against regressions: an agent
  // that changes nothing passes none of the rest, so it scores exactly 0.
  const hidden = usable.filter((i) => !sameValue(reference[i], original[i]));
  const regression = usable.filter((i) => sameValue(reference[i], original[i]));
  const passes = (i: number) => agent[i] !== undefined && sameValue(agent[i], reference[i]);
  const hiddenPassed = hidden.filter(passes).length;
  const regressionPassed = regression.filter(passes).length;
  const components: Record<string, number> = {};
  if (hidden.length > 0) components.hidden_tests = hiddenPassed / hidden.length;
  if (regression.length > 0) components.regression_tests = regressionPassed / regression.length;
  const reward = hidden.length === 0 ? 0 : (components.hidden_tests ?? 0) * (components.regression_tests ?? 1);
  const failed = usable.find((i) => !passes(i));
  const parts = [`${hiddenPassed}/${hidden.length} hidden tests pass`];
  if (regression.length > 0) parts.push(`${regressionPassed}/${regression.length} regression tests pass`);
  if (usable.length < reference.length) parts.push(`${reference.length - usable.length} case(s) skipped: the reference gave no result`);
  if (failed !== undefined) {
    parts.push(`first failure: ${caseName(check, failed)}: expected ${clip(JSON.stringify(reference[failed]), 200)}, got ${shown(agent[failed])}`);
  }
  const broken = familyFault(check, reference, hidden.length);
  return { reward, success: hidden.length > 0 && failed === undefined, components, detail: [...(broken ? [broken] : []), ...parts].join('; ') };
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
