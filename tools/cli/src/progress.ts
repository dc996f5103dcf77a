import cliProgress from 'cli-progress';
import type { RolloutStats } from '@workgym/agents';
import { formatTable } from './format.js';

export interface ProgressView {
  update(stats: RolloutStats): void;
  stop(): void;
}

const errors = (stats: RolloutStats, env: string) => {
  const s = stats.byEnv.get(env)!.statuses;
  return s.agent_error + s.env_broken + s.stuck + s.infra_error;
};
const successRate = (stats: RolloutStats, env: string) => {
  const p = stats.byEnv.get(env)!;
  const recorded = Object.values(p.statuses).reduce((a, b) => a + b, 0);
  return recorded ? `${((100 * p.success) / recorded).toFixed(0)}%` : '-';
};

/** Live bars per env on a terminal; a plain line per env every few seconds otherwise. */
export function progressView(stats: RolloutStats, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar(
      { format: ' {env} [{bar}] {value}/{total} | success {success} | {rate} ep/min | errors {errors}', hideCursor: true, stream, clearOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...stats.envs.map((e) => e.env.length));
    const byEnv = new Map(stats.envs.map((e) => [e.env, bars.create(e.total, e.done, { env: e.env.padEnd(width), success: '-', rate: '0.0', errors: 0 })]));
    return {
      update: (s) => {
        for (const e of s.envs) byEnv.get(e.env)!.update(e.done, { success: successRate(s, e.env), rate: s.rate(e.env).toFixed(1), errors: errors(s, e.env) });
      },
      stop: () => bars.stop(),
    };
  }
  const print = (s: RolloutStats) => {
    for (const e of s.envs) {
      stream.write(
        `[rollout] ${e.env}: ${e.done}/${e.total} done, success ${successRate(s, e.env)}, ${s.rate(e.env).toFixed(1)} ep/min, errors ${errors(s, e.env)}\n`,
      );
    }
  };
  const timer = setInterval(() => print(stats), 10_000);
  timer.unref();
  return {
    update: () => undefined,
    stop: () => {
      clearInterval(timer);
      print(stats);
    },
  };
}

/**
 * The end-of-run table, one row per env: the whole run (a resumed run's earlier episodes
 * included), how many of its episodes are new, and this session's retries and pace (an env's
 * rate over the time its own episodes ran); then the session's wall time and overall rate.
 */
export function summaryTable(stats: RolloutStats): string {
  const rows = stats.envs.map((e) => {
    const recorded = Object.values(e.statuses).reduce((a, b) => a + b, 0);
    const s = e.statuses;
    return [
      e.env,
      String(e.done),
      String(e.done - e.earlier),
      recorded ? `${((100 * e.success) / recorded).toFixed(1)}%` : '-',
      recorded ? (e.rewardSum / recorded).toFixed(3) : '-',
      recorded ? (e.steps / recorded).toFixed(1) : '-',
      `${s.failure}/${s.truncated}/${s.agent_error}/${s.env_broken}/${s.stuck}/${s.infra_error}`,
      String(e.retries),
      stats.rate(e.env).toFixed(1),
    ];
  });
  const head = [
    'env',
    'episodes',
    'new',
    'success',
    'mean reward',
    'mean steps',
    'fail/trunc/agent_err/env_broken/stuck/infra_err',
    'new retries',
    'new ep/min',
  ];
  return `${formatTable([head, ...rows])}\n${overallLine(stats)}`;
}

/** The session as a whole: wall time from its start (warm-up included) to its last episode, and the rate over it. */
export function overallLine(stats: RolloutStats): string {
  const seconds = Math.round(stats.wallMs / 1000);
  const wall = seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
  return `${stats.newEpisodes} new episode(s) in ${wall} wall time: ${stats.overallRate().toFixed(1)} ep/min overall`;
}
