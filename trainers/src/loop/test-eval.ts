import { join } from 'node:path';
import type { Agent, Parallel } from '@workgym/agents';
import type { RewardMode } from '@workgym/protocol';
import type { EnvRuntime } from '@workgym/runtime';
import { wilson, type EpisodeRecord } from '@workgym/trajectories';
import { FAMILY_SPLITS, familySplit } from '../eval/held-out.js';
import { pairByTask, successPairs } from '../eval/pair-by-task.js';
import { runEval, type EvalEnv } from '../eval/run-eval.js';
import { pairedComparison, type PairedComparison } from '../stats/paired.js';
import type { TestPoint } from './curves.js';
import { endpointAgent, type PolicyEndpoint } from './endpoint.js';

/** Held-out evaluation inside the RL loop. */
export interface TestEvaluationOptions {
  /** Evaluate after every `every` updates; always before the first update and after the last. */
  every: number;
  /** Test tasks per family: seeds `seed`, `seed + 1`, ... of the test split, the same at every point. */
  tasksPerFamily: number;
  seed?: number;
  /** Default 0 (greedy). Above 0 the draws are seeded by `agentSeed` and the state, so points still pair. */
  temperature?: number;
  agentSeed?: number;
  /** How the evaluated policy acts (default: the openai agent at `temperature` against the endpoint). */
  agentFor?: (endpoint: PolicyEndpoint) => Agent;
}

export interface TestEvaluation {
  /** Updates applied to the policy evaluated (0: the initial policy). */
  iteration: number;
  points: TestPoint[];
  records: EpisodeRecord[];
  runDir: string;
}

/** The iterations after which the loop evaluates: 0, every `every`-th, and the last. */
export function evaluationIterations(iterations: number, every: number): number[] {
  const at = new Set([0, iterations]);
  for (let i = every; i < iterations; i += every) at.add(i);
  return [...at].sort((a, b) => a - b);
}

export async function evaluateOnTest(
  options: TestEvaluationOptions & { runtime: EnvRuntime; envs: EvalEnv[]; out: string; maxSteps: number; parallel: Parallel; reward?: RewardMode },
  endpoint: PolicyEndpoint,
  iteration: number,
): Promise<TestEvaluation> {
  const agent = options.agentFor?.(endpoint) ?? endpointAgent(endpoint, { temperature: options.temperature ?? 0, seed: options.agentSeed ?? 0 });
  const runDir = join(options.out, 'evals', String(iteration).padStart(3, '0'));
  const { records } = await runEval({
    runtime: options.runtime,
    envs: options.envs,
    agent,
    out: runDir,
    split: 'test',
    tasksPerFamily: options.tasksPerFamily,
    seed: options.seed ?? 0,
    maxSteps: options.maxSteps,
    parallel: options.parallel,
    reward: options.reward,
  });
  const envs = [...new Set(records.map((r) => r.env ?? ''))].sort();
  const points = envs.map((env) => {
    const mine = records.filter((r) => (r.env ?? '') === env);
    return {
      iteration,
      env,
      success: wilson(mine.filter((r) => r.success === true).length, mine.length),
      meanReward: mine.reduce((a, r) => a + (r.finalReward ?? 0), 0) / mine.length,
    };
  });
  return { iteration, points, records, runDir };
}

/** The last evaluated policy against the first, per family and in total, on the same test tasks. */
export interface LearningComparison {
  /** Updates applied to the two policies compared. */
  from: number;
  to: number;
  /** Per family; per family split (trained and held-out families) when a held-out family was evaluated; in total. */
  rows: { scope: 'family' | 'family split' | 'total'; key: string; comparison: PairedComparison }[];
}

/**
 * Pairs the two evaluations by task and tests the difference (exact McNemar, paired bootstrap
 * interval), per family, per family split when `heldOut` names an evaluated family, and in total.
 */
export function compareEvaluations(first: TestEvaluation, last: TestEvaluation, heldOut: ReadonlySet<string> = new Set()): LearningComparison {
  const pairs = pairByTask(first.records, last.records).pairs;
  const families = [...new Set(pairs.map((p) => p.family))].sort();
  const splits = families.some((f) => heldOut.has(f)) ? FAMILY_SPLITS : [];
  const rows = [
    ...families.map((family) => ({
      scope: 'family' as const,
      key: family,
      comparison: pairedComparison(successPairs(pairs.filter((p) => p.family === family))),
    })),
    ...splits.map((split) => ({
      scope: 'family split' as const,
      key: split,
      comparison: pairedComparison(successPairs(pairs.filter((p) => familySplit(p.a, heldOut) === split))),
    })),
    { scope: 'total' as const, key: 'all', comparison: pairedComparison(successPairs(pairs)) },
  ];
  return { from: first.iteration, to: last.iteration, rows };
}

/** One line per row: `code/sql-query: 20% -> 65% (+45 points [+28, +60]), 2 / 20 discordant, McNemar p = 0.0001`. */
export function formatComparison(c: LearningComparison): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)}`;
  return c.rows.map(({ key, comparison: r }) => {
    const p = r.mcnemarP < 0.0001 ? r.mcnemarP.toExponential(1) : r.mcnemarP.toFixed(4);
    return `${key}: ${pct(r.a.rate)} -> ${pct(r.b.rate)} after ${c.to} updates (${pts(r.difference)} points [${pts(r.low)}, ${pts(r.high)}], n = ${r.pairs}), discordant ${r.onlyA} lost / ${r.onlyB} gained, McNemar p = ${p}`;
  });
}
