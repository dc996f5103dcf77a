import { ActionError, type Rng, type Verdict } from '@workgym/protocol';
import { instanceRng } from '@workgym/protocol/kit';
import { cellName, parseRange } from './engine/a1.js';
import { agentMeter } from './engine/budget.js';
import type { CellEdit } from './engine/calc-engine.js';
import { cellKey, keyCol, keyRow } from './engine/sheet.js';
import type { Value } from './engine/values.js';
import { sameValue, showValue } from './engine/values.js';
import type { Workbook } from './engine/workbook.js';
import { cellsOf, get } from './tasks/helpers.js';
import type { TaskInstance } from './tasks/task.js';

/** How many times the formulas check perturbs the inputs. */
export const PERTURBATIONS = 2;
/** Draws per round until a perturbation moves every target's expected value. */
export const PERTURBATION_DRAWS = 20;

/** Normalises an answer for comparison: case, spaces, quotes, thousands separators, a final period. */
export function normaliseAnswer(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '')
    .replace(/\.$/, '')
    .replace(/(\d),(\d{3})/g, '$1$2')
    .replace(/\s+/g, ' ');
}

function checkAnswer(task: TaskInstance, answer: string | undefined): { score: number; detail: string } {
  const q = task.question!;
  if (answer === undefined) return { score: 0, detail: 'no answer given' };
  const given = normaliseAnswer(answer);
  let ok = q.accept.some((a) => normaliseAnswer(a) === given);
  if (!ok && q.numeric !== undefined) {
    const n = Number(given.replace(/[^0-9.eE+-]/g, ''));
    ok = given.length > 0 && Number.isFinite(n) && Math.abs(n - q.numeric) <= (q.tolerance ?? 0) * Math.max(1, Math.abs(q.numeric));
  }
  return { score: ok ? 1 : 0, detail: ok ? 'answer correct' : `answer ${JSON.stringify(answer)} is wrong` };
}

/**
 * The generator of perturbation round `round` of the instance (split, seed): the kit's seeding
 * rule, one fork a round, so every round of a verification draws the same way each time.
 */
export function roundRng(split: string, seed: number, round: number): Rng {
  return instanceRng(split, seed).fork(round);
}

/**
 * A perturbed copy of the starting workbook drawn from `rng` (a round's generator), drawn again
 * until every target's expected value differs from its expected value at the start (so a
 * constant cannot stay right); `moved` is false when no draw managed that (the families' tests
 * rule it out).
 */
export function perturbation(task: TaskInstance, start: Workbook, rng: Rng): { wb: Workbook; moved: boolean } {
  const { cells, perturb } = task.formulas!;
  const base = task.expected!(start);
  let wb = start;
  for (let draw = 0; draw < PERTURBATION_DRAWS; draw++) {
    wb = start.clone();
    perturb(wb, rng);
    const expected = task.expected!(wb);
    if (cells.every((ref) => !sameValue(expected[ref]!, base[ref]!))) return { wb, moved: true };
  }
  return { wb, moved: false };
}

/** Writes every input cell of `from` into `to` (constants, formats kept), recalculating under a budget. */
async function copyInputs(from: Workbook, to: Workbook, ranges: readonly string[]): Promise<void> {
  const edits: CellEdit[] = [];
  for (const ref of ranges.flatMap(cellsOf)) {
    const r = parseRange(ref);
    const sheet = to.sheet(r.sheet!);
    if (!sheet) continue;
    const value: Value = get(from, ref);
    const format = sheet.cells.get(cellKey(r.top, r.left))?.format;
    edits.push({ sheet, row: r.top, col: r.left, cell: value === null && !format ? undefined : { value, format } });
  }
  await to.write(edits, agentMeter());
}

/**
 * Judges a workbook against its task. Everything is judged against the task's own starting
 * workbook `start`, never against data the agent could edit. formulas: the formula-checked
 * targets hold formulas that stay right when the inputs are perturbed (so typed-in results
 * fail); values: the other targets right after recalculation (with a tolerance), a
 * formula-checked one only when its formula passed, so constants where formulas are asked score
 * 0 there; labels: the task's header cells; formats: the task's format rule; answer: question
 * tasks. Changes outside the task's `writes` are the kit's guard `no_collateral` (every generated
 * family judges its whole state), not this verdict's. The verdict carries success (every
 * component 1) and the components; the server computes the reward from the family's declared
 * components, so no reward is summed here.
 */
export async function verifyTask(
  task: TaskInstance,
  start: Workbook,
  wb: Workbook,
  answer: string | undefined,
  episode: { split: string; seed: number },
): Promise<Verdict> {
  const components: Record<string, number> = {};
  const details: string[] = [];
  const record = (name: string, check: { score: number; detail: string }) => {
    components[name] = Math.min(1, Math.max(0, check.score));
    details.push(check.detail);
  };
  if (task.question) record('answer', checkAnswer(task, answer));
  if (task.expected) {
    const expected = task.expected(start);
    const formulaCells = new Set(task.formulas?.cells ?? []);
    const passed = task.formulas ? await checkFormulas(task, start, wb, episode) : undefined;
    if (passed) record('formulas', passed.check);
    const labels = new Set(task.labels ?? []);
    const data = Object.keys(expected).filter((ref) => !labels.has(ref));
    const unearned = (ref: string) => formulaCells.has(ref) && !passed!.good.has(ref);
    record('values', checkValues(task, wb, expected, data, unearned, 'target cells'));
    if (labels.size > 0)
      record(
        'labels',
        checkValues({ valueMode: 'all' }, wb, expected, [...labels], () => false, 'header cells'),
      );
  }
  if (task.formats) record('formats', task.formats(wb, start));
  const success = Object.values(components).every((s) => s === 1);
  return { reward: success ? 1 : 0, success, components, detail: details.join('; ') };
}

/**
 * The share of `refs` that hold their expected value (all or nothing in valueMode "all"); a cell
 * `unearned` says is a formula-checked target whose formula did not pass, which counts as wrong.
 */
function checkValues(
  task: Pick<TaskInstance, 'valueMode'>,
  wb: Workbook,
  expected: Record<string, Value>,
  refs: readonly string[],
  unearned: (ref: string) => boolean,
  what: string,
): { score: number; detail: string } {
  const wrong = refs.filter((ref) => unearned(ref) || !sameValue(get(wb, ref), expected[ref]!));
  const score = refs.length === 0 ? 1 : task.valueMode === 'all' ? (wrong.length === 0 ? 1 : 0) : (refs.length - wrong.length) / refs.length;
  const show = (r: string) =>
    `${r} = ${JSON.stringify(showValue(get(wb, r)))} (expected ${JSON.stringify(showValue(expected[r]!))}${unearned(r) ? ', by a formula that stays right' : ''})`;
  return {
    score,
    detail:
      wrong.length === 0
        ? `all ${refs.length} ${what} right`
        : `${wrong.length} of ${refs.length} ${what} wrong, e.g. ${wrong.slice(0, 3).map(show).join(', ')}`,
  };
}

/** The formula-checked targets whose formulas stay right through every perturbation round. */
async function checkFormulas(
  task: TaskInstance,
  start: Workbook,
  wb: Workbook,
  episode: { split: string; seed: number },
): Promise<{ good: Set<string>; check: { score: number; detail: string } }> {
  const { cells, inputs } = task.formulas!;
  const good = new Set(cells.filter((ref) => hasFormula(wb, ref)));
  const noFormula = cells.length - good.size;
  for (let round = 1; round <= PERTURBATIONS && good.size > 0; round++) {
    const perturbed = perturbation(task, start, roundRng(episode.split, episode.seed, round)).wb;
    const expected = task.expected!(perturbed);
    const agent = wb.clone();
    try {
      await copyInputs(perturbed, agent, inputs);
    } catch (error) {
      // Formulas that cannot be recalculated within the budget do not stay right.
      if (!(error instanceof ActionError)) throw error;
      good.clear();
      break;
    }
    for (const ref of [...good]) if (!sameValue(get(agent, ref), expected[ref]!)) good.delete(ref);
  }
  const score = task.valueMode === 'all' ? (good.size === cells.length ? 1 : 0) : good.size / cells.length;
  const detail = `${good.size} of ${cells.length} target cells are formulas that stay right when the inputs change${noFormula > 0 ? ` (${noFormula} hold no formula)` : ''}`;
  return { good, check: { score, detail } };
}

/**
 * 1 when every cell of the starting workbook's sheets that held a constant or a formula, outside
 * the task's `writes` (default: the cells of `expected`), holds the same constant or the same
 * formula at the end (a formula's value may follow the targets). Cells empty at the start are
 * scratch space. A deleted sheet, deleted or inserted rows and overwritten inputs show as changes.
 */
export function othersUnchanged(task: Pick<TaskInstance, 'writes' | 'expected'>, start: Workbook, wb: Workbook): { score: number; detail: string } {
  const allowed = new Set(task.writes ? task.writes.flatMap(cellsOf) : Object.keys(task.expected?.(start) ?? {}));
  const changed: string[] = [];
  for (const before of start.sheets) {
    const after = wb.sheet(before.name);
    for (const [key, was] of before.cells) {
      if (was.formula === undefined && (was.value === null || was.value === '')) continue;
      const ref = `${before.name}!${cellName(keyRow(key), keyCol(key))}`;
      if (allowed.has(ref)) continue;
      const now = after?.cells.get(key);
      const same = was.formula !== undefined ? was.formula === now?.formula : now?.formula === undefined && sameValue(was.value, now?.value ?? null);
      if (!same) changed.push(ref);
    }
  }
  return {
    score: changed.length === 0 ? 1 : 0,
    detail:
      changed.length === 0
        ? 'no cell outside the task changed'
        : `${changed.length} cells outside the task changed (the task does not ask for them), e.g. ${changed.slice(0, 3).join(', ')}`,
  };
}

function hasFormula(wb: Workbook, ref: string): boolean {
  const r = parseRange(ref);
  return wb.sheet(r.sheet!)?.get(r.top, r.left)?.formula !== undefined;
}
