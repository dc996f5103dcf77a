import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderLineChart } from '../charts/line-chart.js';

/** One point of a learning curve: an env's rollouts in one iteration. */
export interface CurvePoint {
  iteration: number;
  env: string;
  episodes: number;
  meanReward: number;
  successRate: number;
  zeroVarianceGroups: number;
  groups: number;
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

/** Writes `curves.csv` and `curves.png` (mean reward per iteration, one line per env) into `dir`. */
export async function writeCurves(dir: string, points: readonly CurvePoint[], title = 'Reward per iteration'): Promise<{ csv: string; png: string }> {
  const csv = join(dir, 'curves.csv');
  const png = join(dir, 'curves.png');
  await writeFile(csv, curvesCsv(points));
  const iterations = [...new Set(points.map((p) => p.iteration))].sort((a, b) => a - b);
  const envs = [...new Set(points.map((p) => p.env))].sort();
  const image = await renderLineChart({
    title,
    xLabel: 'iteration',
    yLabel: 'mean reward',
    labels: iterations,
    yMin: 0,
    yMax: 1,
    series: envs.map((env) => ({ label: env, values: iterations.map((i) => points.find((p) => p.env === env && p.iteration === i)?.meanReward ?? null) })),
  });
  await writeFile(png, image);
  return { csv, png };
}
