import { openRun, runStats } from '@workgym/trajectories';
import { rolloutConfigSchema } from '../rollout-config.js';
import { planRollout, runRollout } from './rollout.js';

export async function demo(options: { out: string; episodes: number; dryRun?: boolean }): Promise<void> {
  for (const agent of ['expert', 'random'] as const) {
    console.log(`\n== ${agent} agent ==`);
    const out = `${options.out}/${agent}`;
    await (options.dryRun ? planRollout : runRollout)(
      rolloutConfigSchema.parse({
        agent,
        episodes: options.episodes,
        group: agent === 'random' ? 2 : 1,
        out,
        parallel: 'auto',
        maxSteps: agent === 'random' ? 12 : 30,
      }),
    );
    if (!options.dryRun) console.log(`${await feasibilityLine(out)}\n${await peopleLine(out)}`);
  }
  if (options.dryRun) return;
  console.log(
    `\nThe runs are in ${options.out}/. Try:\n  workgym view ${options.out}/expert ${options.out}/random\n  workgym data stats ${options.out}/expert\n  workgym data export ${options.out}/expert --format openai --out expert.jsonl`,
  );
}

/** How the run did on the seeds that could be done and on those that could not (only report_infeasible succeeds there). */
async function feasibilityLine(run: string): Promise<string> {
  await using reader = await openRun(run);
  const { feasible, infeasible } = runStats(reader).byFeasibility;
  if (!infeasible) return 'No episode of this run asked for what cannot be done.';
  const part = (g: { successes: number; episodes: number } | undefined) => `${g?.successes ?? 0}/${g?.episodes ?? 0}`;
  return `Succeeded on ${part(feasible)} feasible seeds and on ${part(infeasible)} infeasible ones (there only report_infeasible, with nothing changed, succeeds).`;
}

/** What the task's people said in the run: their turns are recorded with the calls that reached them. */
async function peopleLine(run: string): Promise<string> {
  await using reader = await openRun(run);
  let turns = 0;
  const episodes = new Set<string>();
  for await (const record of reader.records()) {
    const said = (record.steps ?? []).flatMap((step) => (step.results ?? []).flatMap((result) => result.people ?? []));
    if (said.length === 0) continue;
    turns += said.length;
    episodes.add(record.episodeId ?? '');
  }
  if (turns === 0) return 'No person of a task said anything in this run.';
  return `People of the tasks said ${turns} thing(s) in ${episodes.size} episode(s); each turn is in the record with the call that reached them.`;
}
