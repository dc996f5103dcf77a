import { describe, expect, it } from 'vitest';
import { scoreAnswer, scoreRuns } from '../src/judge/score.js';
import type { HiddenCheck } from '../src/tasks/task.js';

// The judge's verdict from the three runs of a family's cases, and what it tells a family's author.
const check: Extract<HiddenCheck, { kind: 'runs' }> = {
  kind: 'runs',
  reference: { 'solution.py': 'def f(x): return x + 1' },
  suite: { kind: 'python-calls', prelude: 'from solution import f', cases: ['f(1)', 'f(2)', 'f(3)', 'f(4)'] },
};
const values = (...xs: unknown[]) => xs.map((value) => ({ value }));

describe('scoreRuns', () => {
  it('scores the cases the starting files fail as hidden and the rest as regression guards, and computes no reward', () => {
    const verdict = scoreRuns(check, values(2, 3, 4, 5), values(2, 0, 0, 0), values(2, 3, 4, 0));
    expect(verdict).toEqual({
      success: false,
      components: { hidden_tests: 2 / 3, regression_tests: 1 },
      detail: '2/3 hidden tests pass; 1/1 regression tests pass; first failure: f(4): expected {"value":5}, got {"value":0}',
    });
  });

  it('gives no credit for hidden cases that all expect one result: a constant, or a table of the visible examples', () => {
    const oneResult = scoreRuns(check, values(7, 7, 8), values(0, 0, 0), values(7, 7, 0));
    expect(oneResult.components).toMatchObject({ hidden_tests: 0 });
    expect(scoreRuns(check, values(7, 7, 8), values(0, 0, 0), values(7, 7, 8))).toMatchObject({ success: true, components: { hidden_tests: 1 } });
  });

  it('judges an answer', () => {
    expect(scoreAnswer(true, '42')).toEqual({ success: true, components: { answer: 1 }, detail: 'the answer is correct' });
    expect(scoreAnswer(false, '41')).toEqual({ success: false, components: { answer: 0 }, detail: 'the answer "41" is wrong' });
  });

  it('names a reference that fails to load as the family being broken', () => {
    const prelude = { error: 'prelude ImportError' };
    const verdict = scoreRuns(check, [prelude, prelude, prelude], [prelude, prelude, prelude], values(2, 3, 4));
    expect(verdict.success).toBe(false);
    expect(verdict.detail).toMatch(
      /^FAMILY BROKEN: the reference solution failed to load \(prelude ImportError\) on all 3 cases: fix the family's reference files or its prelude; 0\/0 hidden tests pass/,
    );
  });

  it('names a reference that raises on every case', () => {
    const raised = { error: 'NameError' };
    const verdict = scoreRuns(check, [raised, raised, raised], values(2, 0, 0), values(2, 3, 4));
    expect(verdict.detail).toMatch(/^FAMILY BROKEN: the reference solution raised on all 3 cases \(first: f\(1\) raised NameError\)/);
  });

  it('names cases that never tell the reference and the starting files apart', () => {
    const verdict = scoreRuns(check, values(2, 3, 4), values(2, 3, 4), values(2, 3, 4));
    expect(verdict).toMatchObject({ success: false, components: { hidden_tests: 0 } });
    expect(verdict.detail).toMatch(/^FAMILY BROKEN: no case tells the reference solution and the starting files apart/);
  });

  it('says nothing about the family when the reference raises on some cases only (an expected exception)', () => {
    const verdict = scoreRuns(check, [{ error: 'ValueError' }, ...values(3, 4)], values(0, 0, 0), [{ error: 'ValueError' }, ...values(3, 4)]);
    expect(verdict).toMatchObject({ success: true });
    expect(verdict.detail).not.toMatch(/FAMILY BROKEN/);
  });
});
