import { describe, expect, it } from 'vitest';
import type { EpisodeRow } from '../src/model/api.js';
import { envViewOf } from '../src/model/env-view.js';
import { parseEpisodeQuery, QueryError, RowTable } from '../src/model/query.js';
import { recordFacts, TEXT_CAP } from '../src/model/record-facts.js';
import { distribution, newcombe, rate } from '../src/model/stats.js';
import { csvColumns } from '../src/model/training.js';

function row(index: number, over: Partial<EpisodeRow> = {}): EpisodeRow {
  return {
    index,
    episodeId: `e${index}`,
    env: 'code',
    family: 'code/a',
    job: 'j',
    seed: index,
    split: 'train',
    status: 'success',
    success: true,
    infeasible: false,
    finalReward: 1,
    steps: 1,
    tokens: 10,
    attempts: 1,
    ...over,
  };
}

const ROWS = [
  row(0, { finalReward: 0.5, family: 'code/b', status: 'failure', success: false }),
  row(1, { finalReward: 1 }),
  row(2, { finalReward: 0.5, env: 'browser', family: 'browser/x', infeasible: true }),
  row(3, { finalReward: 0, status: 'failure', success: false }),
];

describe('the episode list', () => {
  it('filters on every field and counts the matches before paging', () => {
    const table = new RowTable(ROWS);
    expect(table.page({ status: 'failure' }).rows.map((r) => r.index)).toEqual([0, 3]);
    expect(table.page({ env: 'browser' }).rows.map((r) => r.index)).toEqual([2]);
    expect(table.page({ success: 'yes', feasibility: 'feasible' }).rows.map((r) => r.index)).toEqual([1]);
    expect(table.page({ minReward: 0.5, maxReward: 0.5 }).rows.map((r) => r.index)).toEqual([0, 2]);
    const page = table.page({ offset: 1, limit: 2 });
    expect([page.total, page.offset, page.rows.map((r) => r.index)]).toEqual([4, 1, [1, 2]]);
    expect(page.facets.family).toEqual(['browser/x', 'code/a', 'code/b']);
  });

  it('sorts both ways with ties in store order, and gives neighbours in the same order', () => {
    const table = new RowTable(ROWS);
    expect(table.page({ sort: 'reward' }).rows.map((r) => r.index)).toEqual([3, 0, 2, 1]);
    expect(table.page({ sort: 'reward', order: 'desc' }).rows.map((r) => r.index)).toEqual([1, 0, 2, 3]);
    expect(table.page({ sort: 'family' }).rows.map((r) => r.index)).toEqual([2, 1, 3, 0]);
    expect(table.neighbours('e0', { sort: 'reward', order: 'desc' })).toEqual({ previous: 'e1', next: 'e2' });
    expect(table.neighbours('e1', { sort: 'reward', order: 'desc' })).toEqual({ next: 'e0' });
    expect(table.neighbours('e2', { env: 'browser' })).toEqual({});
  });

  it('searches text case-insensitively over what was read, and says when that is not all', () => {
    const table = new RowTable(ROWS, ['fix the parser', undefined, 'click submit', 'parse "dates"'], false);
    const page = table.page({ text: 'PARSE' });
    expect(page.rows.map((r) => r.index)).toEqual([0, 3]);
    expect(page.textComplete).toBe(false);
    expect(table.page({}).textComplete).toBe(true);
  });

  it('reads a query from URL parameters and refuses a bad one in one line', () => {
    expect(parseEpisodeQuery(new URLSearchParams('family=code/a&sort=steps&order=desc&minReward=0.5&offset=10&limit=20&text=x'))).toEqual({
      family: 'code/a',
      sort: 'steps',
      order: 'desc',
      minReward: 0.5,
      offset: 10,
      limit: 20,
      text: 'x',
    });
    for (const bad of ['sort=name', 'order=up', 'limit=501', 'limit=0', 'offset=-1', 'offset=1.5', 'minReward=abc', 'success=maybe', 'feasibility=x']) {
      expect(() => parseEpisodeQuery(new URLSearchParams(bad)), bad).toThrow(QueryError);
    }
  });
});

describe('statistics', () => {
  it("Newcombe's interval for a difference matches the published example (56/70 vs 48/80)", () => {
    // Newcombe (1998), Table II, example (a): 56/70 − 48/80 = 0.2, 95% CI 0.0524 to 0.3339 (method 10).
    const d = newcombe(rate(48, 80), rate(56, 70));
    expect(d.value).toBeCloseTo(0.2, 10);
    expect(d.low).toBeCloseTo(0.0524, 3);
    expect(d.high).toBeCloseTo(0.3339, 3);
  });

  it('a distribution has its quantiles and every value in a bin', () => {
    const d = distribution([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([d.count, d.min, d.max, d.mean, d.p50, d.p90]).toEqual([10, 1, 10, 5.5, 6, 10]);
    expect(d.bins.reduce((n, b) => n + b.count, 0)).toBe(10);
    expect(distribution([3, 3]).bins).toEqual([{ from: 3, to: 4, count: 2 }]);
  });
});

describe('what a record gives the scan', () => {
  it('keeps instruction and tool calls lower-cased, capped, with duration and self-evaluation', () => {
    const facts = recordFacts({
      instruction: 'Fix THE Bug',
      steps: [{ toolCalls: [{ name: 'Bash', argumentsJson: '{"cmd":"LS"}' }] }, { toolCalls: [{ name: 'x', argumentsJson: 'y'.repeat(10_000) }] }],
      timings: { totalMs: 1500 },
      selfEvaluation: 0.25,
    });
    expect(facts.text.startsWith('fix the bug\nbash {"cmd":"ls"}\nx yyy')).toBe(true);
    expect(facts.text).toHaveLength(TEXT_CAP);
    expect([facts.durationSeconds, facts.selfEvaluation]).toEqual([1.5, 0.25]);
    expect(recordFacts({}).durationSeconds).toBeUndefined();
  });
});

describe('the env view', () => {
  it('shows a code workspace as diffs, and what has no text as a note', () => {
    const view = envViewOf({
      env: 'code',
      stateChanges: [
        { key: 'file:src/app.py', before: 'a = 1\nb = 2\n', after: 'a = 1\nb = 3\n' },
        { key: 'file:new.txt', after: 'hello\n' },
        { key: 'file:logo.png', before: `file 644 sha256:${'a'.repeat(64)}`, after: `file 644 sha256:${'b'.repeat(64)}` },
        { key: 'file:build', after: 'directory 755' },
      ],
    });
    if (view.kind !== 'code') throw new Error(view.kind);
    const [app, added, logo, dir] = view.files;
    expect(app!.status).toBe('changed');
    expect(app!.diff).toContain('--- a/src/app.py');
    expect(app!.diff).toContain('-b = 2\n+b = 3');
    expect([added!.status, added!.diff.includes('+hello')]).toEqual(['added', true]);
    expect([logo!.binary, logo!.diff, logo!.note]).toEqual([true, '', `file 644 sha256:${'a'.repeat(64)} → file 644 sha256:${'b'.repeat(64)}`]);
    expect([dir!.status, dir!.binary, dir!.note]).toEqual(['added', true, '(none) → directory 755']);
  });

  it('shows spreadsheet cells with formula and value, quoted sheet names unquoted', () => {
    const view = envViewOf({
      env: 'spreadsheet',
      stateChanges: [
        { key: "cell:'Q3 plan'!B7", before: '{"value":10}', after: '{"formula":"=SUM(B1:B6)","value":42}' },
        { key: 'cell:Sales!A1', after: 'cut {"val', truncated: true },
        { key: 'sheet:Notes', after: '{"index":2}' },
      ],
    });
    if (view.kind !== 'spreadsheet') throw new Error(view.kind);
    expect(view.cells[0]).toMatchObject({ sheet: 'Q3 plan', cell: 'B7', was: { value: '10' }, now: { value: '42', formula: '=SUM(B1:B6)' } });
    expect(view.cells[1]).toMatchObject({ sheet: 'Sales', cell: 'A1', now: { value: 'cut {"val' }, truncated: true });
    expect(view.other).toEqual([{ key: 'sheet:Notes', after: '{"index":2}' }]);
  });

  it('shows browser and composite changes as records', () => {
    const changes = [{ key: 'site:shop/orders/1', before: '{"total":1}', after: '{"total":2}' }];
    expect(envViewOf({ env: 'browser', stateChanges: changes })).toEqual({ kind: 'browser', changes });
    expect(envViewOf({ env: 'workday', stateChanges: [] })).toEqual({ kind: 'records', changes: [] });
  });
});

describe('training files', () => {
  it('reads a CSV into columns of numbers and text', () => {
    expect(csvColumns('iteration,env,success_rate\n0,code,0.25\n1,"a,b",\n')).toEqual({
      iteration: [0, 1],
      env: ['code', 'a,b'],
      success_rate: [0.25, ''],
    });
  });
});
