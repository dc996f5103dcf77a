import type { Verdict } from '@workgym/protocol';
import type { Value } from './engine/values.js';
import { sameValue, showValue } from './engine/values.js';
import type { Workbook } from './engine/workbook.js';
import { get } from './tasks/helpers.js';
import { Rng } from '@workgym/protocol';
import type { TaskInstance } from './tasks/task.js';

/** How many times the formulas check perturbs the inputs. */
export const PERTURBATIONS = 2;

/** Normalises an answer for comparison: case, spaces, quotes, thousands separators, a final period. */
export function normaliseAnswer(text: string): string {
  return text.trim().toLowerCase().replace(/^["']|["']$/g, '').replace(/\.$/, '').replace(/(\d),(\d{3})/g, '$1$2').replace(/\s+/g, ' ');
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
 * Scores a workbook against its task. values: target cells after recalculation (with a
 * tolerance); formulas: the target cells are formulas that stay right when the inputs are
 * perturbed (so typed-in results fail); formats: the task's format rule; answer: question tasks.
 */
export function verifyTask(task: TaskInstance, pristine: Workbook, wb: Workbook, answer: string | undefined, seed: number): Verdict {
  const components: Record<string, number> = {};
  const details: string[] = [];
  if (task.question) {
    const a = checkAnswer(task, answer);
    components.answer = a.score;
    details.push(a.detail);
  }
  if (task.expected) {
    const expected = task.expected(pristine);
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
    const { cells, perturb } = task.formulas;
    const good = new Set(cells.filter((ref) => hasFormula(wb, ref)));
    const noFormula = cells.length - good.size;
    for (let round = 1; round <= PERTURBATIONS && good.size > 0; round++) {
      const p = pristine.clone();
      const a = wb.clone();
      let expected: Record<string, Value>;
      try {
        perturb(p, new Rng(seed * 31 + round));
        perturb(a, new Rng(seed * 31 + round));
        expected = task.expected(p);
      } catch {
        // The agent removed what the perturbation writes to: nothing can be checked.
        good.clear();
        break;
      }
      for (const ref of [...good]) if (!sameValue(get(a, ref), expected[ref]!)) good.delete(ref);
    }
    components.formulas = good.size / cells.length;
    details.push(`${good.size} of ${cells.length} target cells are formulas that stay right when the inputs change${noFormula > 0 ? ` (${noFormula} hold no formula)` : ''}`);
  }
  if (task.formats) {
    const f = task.formats(wb);
    components.formats = f.score;
    details.push(f.detail);
  }
  const scores = Object.values(components);
  const reward = scores.length === 0 ? 0 : scores.reduce((s, x) => s + x, 0) / scores.length;
  const success = scores.length > 0 && scores.every((s) => s === 1);
  return { reward: success ? 1 : Math.min(reward, 0.99), success, components, detail: details.join('; ') };
}

function hasFormula(wb: Workbook, ref: string): boolean {
  const m = /^(.*)!([A-Z]+)(\d+)$/.exec(ref);
  if (!m) return false;
  const sheet = wb.sheet(m[1]!.replace(/^'|'$/g, ''));
  if (!sheet) return false;
  let col = 0;
  for (const ch of m[2]!) col = col * 26 + ch.charCodeAt(0) - 64;
  return sheet.get(Number(m[3]), col)?.formula !== undefined;
}
