import { describe, expect, it } from 'vitest';
import { ExpertAgent, GiveUpAgent, type Agent } from '@workgym/agents';
import { infeasibleSeed } from '@workgym/protocol/kit';
import { findCode, findCodeOrReport, NotesEnv } from '../../envs/protocol/test/notes-env.js';
import { evaluateRecords, formatEvalMarkdown, runEval, type EvalReport, type EvalRow } from '../src/index.js';
import { InProcessRuntime, record, spec, tempDir } from './helpers.js';

// The notes env in process: find-code-or-report lists the kit's `infeasible` feature (a quarter
// of its seeds cannot be done), find-code does not. Seeds 0..7 hold two infeasible ones.
const runtime = new InProcessRuntime({ notes: () => new NotesEnv([findCode, findCodeOrReport]) });
const REPORT = 'notes/find-code-or-report';
const PLAIN = 'notes/find-code';
const TASKS = 8;

async function evaluate(agent: Agent): Promise<EvalReport & { records: Awaited<ReturnType<typeof runEval>>['records'] }> {
  const envs = [{ name: 'notes', spec: spec('notes'), families: [PLAIN, REPORT] }];
  const { report, records } = await runEval({ runtime, envs, agent, out: await tempDir(), tasksPerFamily: TASKS, maxSteps: 8 });
  return { ...report, records };
}
const rowOf = (report: EvalReport, scope: string, key: string): EvalRow => report.rows.find((r) => r.scope === scope && r.key === key)!;

describe('eval on infeasible seeds', () => {
  it('records which seeds were infeasible, and shows giving up at once as 0% on feasible seeds, 100% on infeasible ones', { timeout: 120_000 }, async () => {
    const report = await evaluate(new GiveUpAgent());
    const infeasible = report.records.filter((r) => r.infeasible).map((r) => `${r.family}:${r.seed}`);
    const expected = Array.from({ length: TASKS }, (_, seed) => seed)
      .filter((seed) => infeasibleSeed(REPORT, 'test', seed))
      .map((seed) => `${REPORT}:${seed}`);
    expect(infeasible.sort()).toEqual(expected.sort());
    expect(report.records.every((r) => r.steps!.map((s) => s.toolCalls![0]!.name).join() === 'report_infeasible')).toBe(true);

    expect(report.infeasibleEpisodes).toBe(TASKS / 4);
    const total = rowOf(report, 'all', 'all');
    expect(total.feasibility!.feasible).toMatchObject({ successes: 0, n: 2 * TASKS - TASKS / 4, rate: 0 });
    expect(total.feasibility!.infeasible).toMatchObject({ successes: TASKS / 4, n: TASKS / 4, rate: 1 });
    // The total alone would read as TASKS/4 successes out of 2*TASKS.
    expect(total.success.successes).toBe(TASKS / 4);
    expect(rowOf(report, 'family', REPORT).feasibility).toMatchObject({ feasible: { n: TASKS - TASKS / 4, rate: 0 }, infeasible: { n: TASKS / 4, rate: 1 } });
    expect(rowOf(report, 'family', PLAIN).feasibility).toMatchObject({ feasible: { n: TASKS, rate: 0 }, infeasible: { n: 0 } });
    expect(rowOf(report, 'env', 'notes').feasibility).toBeUndefined();

    const markdown = formatEvalMarkdown(report);
    expect(markdown).toContain(`## Feasible and infeasible seeds\n\n${TASKS / 4} of the ${2 * TASKS} episodes were on infeasible seeds`);
    const ci = (p: { low: number; high: number }) => `${(100 * p.low).toFixed(1)}%–${(100 * p.high).toFixed(1)}%`;
    const f = total.feasibility!;
    expect(markdown).toContain(`| total | ${f.feasible.n} | 0.0% | ${ci(f.feasible)} | ${f.infeasible.n} | 100.0% | ${ci(f.infeasible)} |`);
    expect(markdown).toContain(`| ${PLAIN} | ${TASKS} | 0.0% | ${ci(rowOf(report, 'family', PLAIN).feasibility!.feasible)} | 0 | - | - |`);
  });

  it('shows the expert succeeding on both kinds of seed', { timeout: 120_000 }, async () => {
    const report = await evaluate(new ExpertAgent());
    expect(rowOf(report, 'all', 'all').feasibility).toMatchObject({ feasible: { rate: 1 }, infeasible: { n: TASKS / 4, rate: 1 } });
    const reports = report.records.filter((r) => r.steps!.at(-1)!.toolCalls![0]!.name === 'report_infeasible');
    expect(reports.every((r) => r.infeasible)).toBe(true);
    expect(reports).toHaveLength(TASKS / 4);
  });

  it('leaves the split out when no episode was on an infeasible seed (records from before it read as feasible)', () => {
    const records = [record({ episodeId: 'a', success: true, status: 'success' }), record({ episodeId: 'b', infeasible: false })];
    const report = evaluateRecords(records);
    expect(report.infeasibleEpisodes).toBeUndefined();
    expect(report.rows.some((r) => r.feasibility)).toBe(false);
    expect(formatEvalMarkdown(report)).not.toContain('infeasible');
    // One infeasible episode is enough, counted in the rates under --exclude-infra-errors as elsewhere.
    const lost = record({ episodeId: 'c', infeasible: true, status: 'infra_error' });
    expect(evaluateRecords([...records, lost]).infeasibleEpisodes).toBe(1);
    expect(evaluateRecords([...records, lost], { excludeInfraErrors: true }).infeasibleEpisodes).toBeUndefined();
  });
});
