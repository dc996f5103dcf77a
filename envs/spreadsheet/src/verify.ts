import { ActionError, type Rng, type Verdict } from '@workgym/protocol';
import { instanceRng } from '@workgym/protocol/kit';
import { parseRange } from './engine/a1.js';
import { agentMeter } from './engine/budget.js';
import type { CellEdit } from './engine/calc-engine.js';
import { cellKey } from './engine/sheet.js';
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
 * Scores a workbook against its task. Everything is judged against the task's own starting
 * workbook `start`, never against data the agent could edit. values: target cells after
 * recalculation (with a tolerance); formulas: the target cells are formulas that stay right when
 * the inputs are perturbed (so typed-in results fail); formats: the task's format rule; answer:
 * question tasks. Each component is in 0..1; the reward is their mean, success all of them at 1.
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
  if (task.question) {
    const a = checkAnswer(task, answer);
    components.answer = a.score;
    details.push(a.detail);
  }
  if (task.expected) {
    const expected = task.expected(start);
    const refs = Object.keys(expected);
    const wrong = refs.filter((ref) => !sameValue(get(wb, ref), expected[ref]!));
    components.values = task.valueMode === 'all' ? (wrong.length === 0 ? 1 : 0) : (refs.length - wrong.length) / refs.length;
    details.push(
      wrong.length === 0
        ? `all ${refs.length} target cells right`
        : `${wrong.length} of ${refs.length} target cells wrong, e.g. ${wrong
            .slice(0, 3)
            .map((r) => `${r} = ${JSON.stringify(showValue(get(wb, r)))} (expected ${JSON.stringify(showValue(expected[r]!))})`)
            .join(', ')}`,
    );
  }
  if (task.formulas && task.expected) {
    const { cells, inputs } = task.formulas;
    const good = new Set(cells.filter((ref) => hasFormula(wb, ref)));
    const noFormula = cells.length - good.size;
    for (let round = 1; round <= PERTURBATIONS && good.size > 0; round++) {
      const perturbed = perturbation(task, start, roundRng(episode.split, episode.seed, round)).wb;
      const expected = task.expected(perturbed);
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
    components.formulas = good.size / cells.length;
    details.push(
      `${good.size} of ${cells.length} target cells are formulas that stay right when the inputs change${noFormula > 0 ? ` (${noFormula} hold no formula)` : ''}`,
    );
  }
  if (task.formats) {
    const f = task.formats(wb, start);
    components.formats = Math.min(1, Math.max(0, f.score));
    details.push(f.detail);
  }
  const scores = Object.values(components);
  const reward = scores.length === 0 ? 0 : scores.reduce((s, x) => s + x, 0) / scores.length;
  const success = scores.length > 0 && scores.every((s) => s === 1);
  return { reward: success ? 1 : Math.min(reward, 0.99), success, components, detail: details.join('; ') };
}

function hasFormula(wb: Workbook, ref: string): boolean {
  const r = parseRange(ref);
  return wb.sheet(r.sheet!)?.get(r.top, r.left)?.formula !== undefined;
}
