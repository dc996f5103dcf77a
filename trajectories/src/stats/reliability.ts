import { meanPassAtK, meanPassHatK, type TaskMean } from './pass-k.js';
import { wilson, type Proportion } from './wilson.js';

/** One episode as the reliability figures see it. */
export interface Outcome {
  /** The tries of one task: its rollout group (the episode alone when it has none). */
  task: string;
  /** The task's scenario as scenarioKey() qualifies it; "" when the family declares none. */
  scenario: string;
  success: boolean;
  /** The family's partial credit for the episode, 0..1: its shaped reward, whatever its reward mode paid. */
  reward: number;
}

/** Scenario success (AppWorld's scenario goal completion): see scenarioSuccess(). */
export interface ScenarioSuccess {
  value: number;
  /** Scenarios it is over: those with at least two tasks among the outcomes. */
  scenarios: number;
}

export interface Reliability {
  episodes: number;
  /** Success rate with its 95% Wilson interval. */
  success: Proportion;
  /** Mean partial credit (the shaped reward; with the default reward mode the final reward is the success). */
  meanReward: number;
  /** By k: the chance that at least one of k tries succeeds, averaged over tasks tried at least k times. */
  passAtK: Record<string, TaskMean>;
  /** By k: the chance that all k tries succeed (τ²-bench's pass^k), over the same tasks. */
  passHatK: Record<string, TaskMean>;
  /** Absent when no scenario has two tasks among the outcomes. */
  scenarios?: ScenarioSuccess;
}

/** Success, partial credit, pass@k and pass^k for each of `ks`, and scenario success. */
export function reliability(outcomes: readonly Outcome[], ks: readonly number[]): Reliability {
  const tasks = [...triesByTask(outcomes).values()];
  const passAtK: Record<string, TaskMean> = {};
  const passHatK: Record<string, TaskMean> = {};
  for (const k of ks) {
    const at = meanPassAtK(tasks, k);
    const hat = meanPassHatK(tasks, k);
    if (at) passAtK[String(k)] = at;
    if (hat) passHatK[String(k)] = hat;
  }
  const successes = outcomes.filter((o) => o.success).length;
  const scenarios = scenarioSuccess(outcomes);
  return {
    episodes: outcomes.length,
    success: wilson(successes, outcomes.length),
    meanReward: outcomes.length ? outcomes.reduce((sum, o) => sum + o.reward, 0) / outcomes.length : 0,
    passAtK,
    passHatK,
    ...(scenarios ? { scenarios } : {}),
  };
}

/** Every k from 1 to the most tries any task had. */
export function ksUpTo(outcomes: readonly Outcome[]): number[] {
  const most = Math.max(1, ...[...triesByTask(outcomes).values()].map((t) => t.n));
  return Array.from({ length: most }, (_, i) => i + 1);
}

/**
 * The minimum success over a scenario's tasks (a task's success: the share of its tries that
 * succeeded), averaged over the scenarios with at least two tasks here: 1 only when the agent
 * solves every related task of a world, not most of them. Undefined when there is no such scenario.
 */
export function scenarioSuccess(outcomes: readonly Outcome[]): ScenarioSuccess | undefined {
  const byScenario = new Map<string, Outcome[]>();
  for (const o of outcomes) if (o.scenario) byScenario.set(o.scenario, [...(byScenario.get(o.scenario) ?? []), o]);
  const minima: number[] = [];
  for (const members of byScenario.values()) {
    const tasks = [...triesByTask(members).values()];
    if (tasks.length >= 2) minima.push(Math.min(...tasks.map((t) => t.c / t.n)));
  }
  if (minima.length === 0) return undefined;
  return { value: minima.reduce((a, b) => a + b, 0) / minima.length, scenarios: minima.length };
}

/**
 * A scenario named unambiguously across a run: a family's scenario names are its own, and the
 * train and test splits draw different worlds. "" for a task that belongs to none.
 */
export function scenarioKey(task: { env?: string | null; family?: string | null; split?: string | null; scenario?: string | null }): string {
  return task.scenario ? `${task.env ?? ''}|${task.family ?? ''}|${task.split ?? ''}|${task.scenario}` : '';
}

function triesByTask(outcomes: readonly Outcome[]): Map<string, { n: number; c: number }> {
  const tasks = new Map<string, { n: number; c: number }>();
  for (const o of outcomes) {
    const t = tasks.get(o.task) ?? { n: 0, c: 0 };
    t.n += 1;
    t.c += Number(o.success);
    tasks.set(o.task, t);
  }
  return tasks;
}

const DIFFICULTIES = ['easy', 'medium', 'hard'];

/** Difficulties easiest first, unknown ones after them by name ("" last: not recorded). */
export function compareDifficulties(a: string, b: string): number {
  const rank = (d: string) => (d === '' ? DIFFICULTIES.length + 1 : DIFFICULTIES.includes(d) ? DIFFICULTIES.indexOf(d) : DIFFICULTIES.length);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
