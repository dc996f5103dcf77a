import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLineChart, type LineSeries } from '../charts/line-chart.js';
import type { Proportion } from '@workgym/trajectories';

/** One point of a training curve: an env's rollouts in one iteration (every sampling round of it). */
export interface CurvePoint {
  iteration: number;
  env: string;
  episodes: number;
  meanReward: number;
  successRate: number;
  zeroVarianceGroups: number;
  groups: number;
}

/** One point of the held-out curve: an env's success on the fixed test seeds after `iteration` updates. */
export interface TestPoint {
  iteration: number;
  env: string;
  /** Successes over the test episodes, with the 95% Wilson interval. */
  success: Proportion;
  meanReward: number;
}

export function curvesCsv(points: readonly CurvePoint[]): string {
  const head = 'iteration,env,episodes,mean_reward,success_rate,zero_variance_groups,groups';
  return (
    [
      head,
      ...points.map((p) => [p.iteration, p.env, p.episodes, p.meanReward.toFixed(4), p.successRate.toFixed(4), p.zeroVarianceGroups, p.groups].join(',')),
    ].join('\n') + '\n'
  );
}

export function testCurvesCsv(points: readonly TestPoint[]): string {
  const head = 'iteration,env,episodes,successes,success_rate,low,high,mean_reward';
  const row = (p: TestPoint) =>
    [
      p.iteration,
      p.env,
      p.success.n,
      p.success.successes,
      p.success.rate.toFixed(4),
      p.success.low.toFixed(4),
      p.success.high.toFixed(4),
      p.meanReward.toFixed(4),
    ].join(',');
  return [head, ...points.map(row)].join('\n') + '\n';
}

export interface CurveFiles {
  csv: string;
  png: string;
  /** `test-curves.csv`, when the loop evaluates on test seeds. */
  testCsv?: string;
}

/**
 * Writes `curves.csv`, `test-curves.csv` (when there are test points) and `curves.png` into `dir`:
 * per env, the train mean reward per iteration and the test success with its 95% Wilson band.
 */
export async function writeCurves(
  dir: string,
  points: readonly CurvePoint[],
  title = 'Reward per iteration',
  tests: readonly TestPoint[] = [],
): Promise<CurveFiles> {
  const csv = join(dir, 'curves.csv');
  const png = join(dir, 'curves.png');
  await writeFile(csv, curvesCsv(points));
  let testCsv: string | undefined;
  if (tests.length) {
    testCsv = join(dir, 'test-curves.csv');
    await writeFile(testCsv, testCurvesCsv(tests));
  }
  const iterations = [...new Set([...points, ...tests].map((p) => p.iteration))].sort((a, b) => a - b);
  const envs = [...new Set([...points, ...tests].map((p) => p.env))].sort();
  const series: LineSeries[] = envs.flatMap((env) => {
    const train: LineSeries = {
      label: `${env} train reward`,
      values: iterations.map((i) => points.find((p) => p.env === env && p.iteration === i)?.meanReward ?? null),
    };
    if (!tests.some((t) => t.env === env)) return [train];
    const at = (i: number) => tests.find((t) => t.env === env && t.iteration === i)?.success;
    const test: LineSeries = {
      label: `${env} test success (95% Wilson)`,
      values: iterations.map((i) => at(i)?.rate ?? null),
      band: { low: iterations.map((i) => at(i)?.low ?? null), high: iterations.map((i) => at(i)?.high ?? null) },
    };
    return [train, test];
  });
  const image = await renderLineChart({
    title,
    xLabel: 'iteration (updates applied)',
    yLabel: 'train mean reward / test success',
    labels: iterations,
    yMin: 0,
    yMax: 1,
    series,
  });
  await writeFile(png, image);
  return { csv, png, ...(testCsv ? { testCsv } : {}) };
}
