import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { rescoreRun, type RescoreReport } from '@workgym/agents/rescore';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { formatTable } from '../format.js';
import { envNames as knownEnvNames } from '../env-registry.js';
import { assignTaskSets, type TaskSets } from '../task-sets.js';
import { UsageError } from '../usage-error.js';
import { makeRuntime, progressLine, selectEnvs } from './select-envs.js';

interface RescoreFlags {
  out?: string;
  runtime?: 'docker' | 'local';
  parallel: number;
  tasks?: string[];
  json?: boolean;
}

/** What a rollout stored in its manifest that a replay must keep (see rollout-config.ts and RolloutSpec). */
interface RecordedSettings {
  rollout?: { maxSteps?: number };
  caller?: {
    runtime?: string;
    maxSteps?: number;
    stepTimeoutS?: number;
    envTimeoutS?: number;
    episodeTimeoutS?: number;
    resetOptions?: Record<string, unknown>;
  };
  tasks?: Record<string, string[]>;
  resetOptions?: Record<string, unknown>;
}

export async function rescore(run: string, flags: RescoreFlags): Promise<void> {
  const { settings, envNames, families, usedDocker } = await readRun(run);
  const kind = flags.runtime ?? recordedRuntime(settings, usedDocker);
  const out = flags.out ?? nextVersionDir(run);
  const tasks = replayTaskSets(settings, flags.tasks, envNames);
  const runtime = await makeRuntime(kind);
  const envs = await selectEnvs(envNames, undefined, kind, undefined, tasks);
  refuseUnknownFamilies(families, envs);
  const caller = settings.caller ?? {};
  if (!flags.json) process.stderr.write(`[rescore] replaying ${run} on the ${kind} runtime into ${out}\n`);
  const report = await rescoreRun({
    from: run,
    out,
    runtime,
    envs: new Map(envs.map((e) => [e.name, e.spec])),
    parallel: flags.parallel,
    resetOptions: settings.resetOptions ?? caller.resetOptions,
    limits: {
      maxSteps: settings.rollout?.maxSteps ?? caller.maxSteps ?? 30,
      stepDeadlineMs: (caller.stepTimeoutS ?? 120) * 1000,
      episodeDeadlineMs: (caller.episodeTimeoutS ?? 1800) * 1000,
      envDeadlineMs: (caller.envTimeoutS ?? 60) * 1000,
    },
    onProgress: flags.json ? undefined : progressLine('rescore'),
  });
  console.log(flags.json ? JSON.stringify(report, null, 2) : formatRescore(report));
}

/**
 * The task sets to replay with: --tasks where given (a set that moved), else the ones the run
 * recorded, which must still be there.
 */
function replayTaskSets(settings: RecordedSettings, given: readonly string[] | undefined, envNames: readonly string[]): TaskSets {
  if (given?.length) return assignTaskSets(given, envNames, knownEnvNames());
  const recorded = settings.tasks ?? {};
  for (const [env, paths] of Object.entries(recorded))
    for (const path of paths)
      if (!existsSync(path)) throw new UsageError(`the run's task set ${path} (env ${env}) is gone; say where it is now with --tasks ${env}=PATH`);
  return recorded;
}

/** Episodes of families no selected env has (a task set not given) could only fail: refused before anything starts. */
function refuseUnknownFamilies(families: ReadonlySet<string>, envs: readonly { families: readonly string[] }[]): void {
  const known = new Set(envs.flatMap((e) => e.families));
  const missing = [...families].filter((f) => !known.has(f)).sort();
  if (missing.length === 0) return;
  const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? `, and ${missing.length - 3} more` : '');
  throw new UsageError(`the run has episodes of families no env here has: ${shown}; if they came from a task set, pass it with --tasks ENV=PATH`);
}

async function readRun(run: string): Promise<{ settings: RecordedSettings; envNames: string[]; families: Set<string>; usedDocker: boolean }> {
  await using reader = await openRun(run);
  const records: EpisodeRecord[] = [];
  for await (const record of reader.records()) records.push(record);
  if (records.length === 0) throw new UsageError(`${run} holds no episodes to rescore`);
  return {
    settings: (reader.manifest.spec ?? {}) as RecordedSettings,
    envNames: [...new Set(records.map((r) => r.env!))],
    families: new Set(records.map((r) => r.family!)),
    usedDocker: records.some((r) => Boolean(r.imageId)),
  };
}

/** The runtime the run was recorded with: its rollout settings, else docker when its records name an image. */
function recordedRuntime(settings: RecordedSettings, usedDocker: boolean): 'docker' | 'local' {
  const named = settings.caller?.runtime;
  if (named === 'docker' || named === 'local') return named;
  return usedDocker ? 'docker' : 'local';
}

/**
 * A rescore never overwrites: by default it writes the sibling `<run>.rescore-<n>`, the first n
 * free (a rescore of a rescore counts on from the original's name).
 */
export function nextVersionDir(run: string): string {
  const trimmed = run.replace(/[/\\]+$/, '');
  const base = join(dirname(trimmed), basename(trimmed).replace(/\.rescore-\d+$/, ''));
  for (let n = 1; ; n++) if (!existsSync(`${base}.rescore-${n}`)) return `${base}.rescore-${n}`;
}

export function formatRescore(report: RescoreReport): string {
  const rows = report.families.map((f) => [
    f.family,
    String(f.episodes),
    String(f.changed),
    String(f.diverged),
    `${f.successBefore} -> ${f.successAfter}`,
    `${f.versionsBefore.map((v) => v || '(none)').join(', ')} -> ${f.versionAfter || '(none)'}`,
  ]);
  const lines = [formatTable([['family', 'episodes', 'changed', 'diverged', 'successes', 'verifier version'], ...rows]), ''];
  for (const c of report.changes.slice(0, 10)) {
    lines.push(`changed  ${c.episodeId}: ${c.before.status} (reward ${c.before.reward}) -> ${c.after.status} (reward ${c.after.reward})`);
  }
  for (const d of report.divergences.slice(0, 10)) lines.push(`diverged ${d.episodeId} at step ${d.step}: ${d.what}`);
  if (report.changes.length > 10 || report.divergences.length > 10) lines.push('(the first 10 of each; --json lists them all)');
  lines.push(
    `${report.episodes} episodes rescored into ${report.out}: ${report.changed} verdicts changed, ${report.diverged} replays diverged` +
      `${report.failed ? `, ${report.failed} could not be replayed (they keep their old verdict)` : ''}. Next: workgym data stats ${report.out}`,
  );
  return lines.join('\n');
}
