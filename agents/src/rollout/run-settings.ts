import type { RewardMode } from '@workgym/protocol';
import type { AgentInfo } from '@workgym/trajectories';
import { RolloutConfigError } from '../faults.js';

/** What every episode of a run shares, kept in its manifest: a resume must match it. */
export interface RunSettings {
  agent: AgentInfo;
  group: number;
  maxSteps: number;
  /** What the final reward pays; absent in runs from before reward modes, which were paid the shaped reward. */
  reward?: RewardMode;
}

/**
 * The manifest's `spec` of a run a rollout writes: its settings, what the caller said produced it,
 * and what a replay of its episodes needs to meet the same tasks (`data rescore` reads it).
 */
export interface RolloutSpec {
  rollout: RunSettings;
  caller: unknown;
  /** Each env's task-set paths (absolute, as the env was given them), by env name; absent when none. */
  tasks?: Record<string, readonly string[]>;
  /** The reset options every episode's reset passed; absent when none. */
  resetOptions?: Record<string, unknown>;
}

/**
 * Refuses to resume a run with other settings than it was made with: its episodes would mix
 * agents, group sizes, step limits or reward modes under one name. Runs from before settings were recorded
 * have none to compare.
 */
export function checkResumeSettings(dir: string, spec: unknown, given: RunSettings): void {
  const stored = (spec as Partial<RolloutSpec> | null)?.rollout;
  if (!stored) return;
  const differences = [
    ...(['kind', 'model', 'contextPolicy', 'systemPrompt'] as const).map((field) =>
      diff(`agent ${field}`, stored.agent?.[field] ?? '', given.agent[field] ?? ''),
    ),
    diff('agent sampling', canonical(stored.agent?.sampling), canonical(given.agent.sampling)),
    diff('group', stored.group, given.group),
    diff('max steps', stored.maxSteps, given.maxSteps),
    diff('reward', stored.reward ?? 'shaped', given.reward ?? 'success'),
  ].filter((d): d is string => d !== undefined);
  if (differences.length > 0) {
    throw new RolloutConfigError(
      `cannot resume ${dir} with other settings than it was made with: ${differences.join('; ')}. ` +
        "Resume with the run's settings, or start a new run in another folder",
    );
  }
}

function diff(name: string, stored: unknown, given: unknown): string | undefined {
  return stored === given ? undefined : `its ${name} is ${JSON.stringify(stored)}, not ${JSON.stringify(given)}`;
}

/** JSON with sorted keys and no empty fields, so equal sampling settings compare equal. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return '{}';
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
  return JSON.stringify(Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1))));
}
