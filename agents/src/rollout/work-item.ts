/** One episode to run: a task instance (family, split, seed) and which sample of its group. */
export interface WorkItem {
  /** `<family>:<split>:<seed>:<sample>`: the same task and sample always get the same id. */
  episodeId: string;
  /** `<family>:<split>:<seed>`: the samples of one task (RL groups). */
  groupId: string;
  env: string;
  family: string;
  split: string;
  seed: number;
  sample: number;
}

export function workItem(env: string, family: string, split: string, seed: number, sample: number): WorkItem {
  const groupId = `${family}:${split}:${seed}`;
  return { episodeId: `${groupId}:${sample}`, groupId, env, family, split, seed, sample };
}

export interface PlanOptions {
  /** Family ids per env. */
  families: Record<string, string[]>;
  /** Distinct tasks per family: seeds seed, seed+1, ... */
  tasksPerFamily: number;
  /** Samples per task (a group of G rollouts for RL). */
  group: number;
  split: string;
  seed: number;
}

/** Every episode of a rollout, in a deterministic order. */
export function planEpisodes(options: PlanOptions): WorkItem[] {
  const items: WorkItem[] = [];
  for (const [env, families] of Object.entries(options.families)) {
    for (const family of families) {
      for (let t = 0; t < options.tasksPerFamily; t++) {
        for (let sample = 0; sample < options.group; sample++) items.push(workItem(env, family, options.split, options.seed + t, sample));
      }
    }
  }
  return items;
}
