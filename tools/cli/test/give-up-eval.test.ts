import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infeasibleSeed } from '@workgym/protocol/kit';
import { openRun } from '@workgym/trajectories';
import { workgym } from './run-cli.js';

// `eval --agent give-up` on the code env's real families (server as a child process): repo-question
// lists the `infeasible` feature, py-fix-bug does not.
const WITH = 'code/repo-question';
const WITHOUT = 'code/py-fix-bug';
const SEEDS = 4;

interface Split {
  n: number;
  successes: number;
  rate: number;
  low: number;
  high: number;
}
interface Row {
  scope: string;
  key: string;
  episodes: number;
  success: Split;
  feasibility?: { feasible: Split; infeasible: Split };
}

describe('eval --agent give-up', () => {
  it('scores 0% on feasible seeds and 100% on infeasible ones, and 0% on a family without the feature', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'workgym-cli-give-up-'));
    const [run, json, markdown] = [join(dir, 'run'), join(dir, 'eval.json'), join(dir, 'eval.md')];
    const args = ['--agent', 'give-up', '--env', 'code', '--family', `{${WITH},${WITHOUT}}`, '--runtime', 'local', '--episodes', String(SEEDS)];
    const result = await workgym('eval', ...args, '--out', run, '--json', json, '--markdown', markdown);
    expect(result.code, result.stderr).toBe(0);

    const infeasible = Array.from({ length: SEEDS }, (_, seed) => seed).filter((seed) => infeasibleSeed(WITH, 'test', seed));
    {
      await using reader = await openRun(run);
      const recorded = reader.summaries().filter((s) => s.infeasible);
      expect(recorded.map((s) => [s.family, s.seed])).toEqual(infeasible.map((seed) => [WITH, seed]));
    }
    const report = JSON.parse(await readFile(json, 'utf8')) as { infeasibleEpisodes: number; rows: Row[] };
    const row = (scope: string, key: string) => report.rows.find((r) => r.scope === scope && r.key === key)!;
    expect(report.infeasibleEpisodes).toBe(infeasible.length);
    expect(row('family', WITH).feasibility).toMatchObject({
      feasible: { n: SEEDS - infeasible.length, successes: 0 },
      infeasible: { n: infeasible.length, successes: infeasible.length, rate: 1 },
    });
    expect(row('family', WITHOUT).success).toMatchObject({ n: SEEDS, successes: 0 });
    expect(row('family', WITHOUT).feasibility).toMatchObject({ feasible: { n: SEEDS, successes: 0 }, infeasible: { n: 0 } });
    expect(row('all', 'all').feasibility).toMatchObject({ feasible: { n: 2 * SEEDS - infeasible.length, rate: 0 }, infeasible: { rate: 1 } });

    const text = await readFile(markdown, 'utf8');
    expect(result.stdout).toContain(text.trim());
    const table = text.slice(text.indexOf('## Feasible and infeasible seeds'), text.indexOf('## By env'));
    expect(table).toMatch(new RegExp(`\\| ${WITH} \\| ${SEEDS - infeasible.length} \\| 0\\.0% \\| [^|]+ \\| ${infeasible.length} \\| 100\\.0% \\| [^|]+ \\|`));
    expect(table).toMatch(new RegExp(`\\| ${WITHOUT} \\| ${SEEDS} \\| 0\\.0% \\| [^|]+ \\| 0 \\| - \\| - \\|`));
    expect(table).toMatch(/\| total \| \d+ \| 0\.0% \|/);
  });
});
