import { exportRun, formatExportReport, formatRunStats, formatTranscript, refuseMixedVerifiers, repairRun, runStats, verifyRun } from '@workgym/trajectories';
import type { ExportFormat, RepairReport } from '@workgym/trajectories';
import { withRun } from '../run-helpers.js';
import { UsageError } from '../usage-error.js';

export async function stats(run: string, options: { json?: boolean; strict?: boolean; check: boolean; mixVerifiers?: boolean }): Promise<void> {
  await withRun(
    run,
    (reader, damage) => {
      refuseMixedVerifiers(reader.summaries(), options.mixVerifiers);
      const stats = runStats(reader);
      console.log(options.json ? JSON.stringify({ ...stats, damage }, null, 2) : formatRunStats(stats));
      if (options.strict && damage.length > 0) process.exitCode = 1;
    },
    { check: options.check },
  );
}

export async function show(run: string, episode: string, options: { maxChars: number; full?: boolean; json?: boolean }): Promise<void> {
  await withRun(run, async (reader) => {
    const record = await reader.get(episode);
    if (!record) {
      const near = reader
        .episodeIds()
        .filter((id) => id.includes(episode) || episode.includes(id))
        .slice(0, 5);
      throw new UsageError(
        `${run} has no episode ${JSON.stringify(episode)}` +
          (near.length
            ? `; did you mean ${near.join(', ')}?`
            : `; it holds ${reader.size} episodes, e.g. ${reader.episodeIds().slice(0, 3).join(', ') || '(none)'}`),
      );
    }
    console.log(options.json ? JSON.stringify(record, null, 2) : formatTranscript(record, { maxChars: options.full ? undefined : options.maxChars }));
  });
}

interface ExportFlags {
  format: ExportFormat;
  out: string;
  env?: string[];
  family?: string[];
  job?: string[];
  status?: string[];
  minReward?: number;
  maxReward?: number;
  successOnly?: boolean;
  dedupe?: boolean;
  balance?: 'env' | 'family';
  part?: 'train' | 'validation';
  validationFraction: number;
  invalidStepWeight: string;
  rationale: boolean;
  skipDamaged?: boolean;
  includeTest?: boolean;
  mixVerifiers?: boolean;
  json?: boolean;
}

export async function exportData(run: string, flags: ExportFlags): Promise<void> {
  const report = await exportRun(run, {
    env: flags.env,
    family: flags.family,
    job: flags.job,
    status: flags.status,
    minReward: flags.minReward,
    maxReward: flags.maxReward,
    successOnly: flags.successOnly,
    dedupe: flags.dedupe,
    balance: flags.balance,
    holdout: flags.part ? { part: flags.part, fraction: flags.validationFraction } : undefined,
    format: flags.format,
    out: flags.out,
    invalidStepWeight: flags.invalidStepWeight === '1' ? 1 : 0,
    rationale: flags.rationale,
    skipDamaged: flags.skipDamaged,
    includeTest: flags.includeTest,
    mixVerifiers: flags.mixVerifiers,
  });
  console.log(flags.json ? JSON.stringify(report, null, 2) : formatExportReport(report));
}

export async function verify(run: string, options: { json?: boolean }): Promise<void> {
  const report = await verifyRun(run);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`${run}: ${report.episodes} episodes, ${report.blobs} blobs in ${report.files.length} files`);
    for (const note of report.notes) console.log(`note: ${note}`);
    for (const problem of report.problems) console.log(`DAMAGE: ${problem}`);
    console.log(
      report.ok
        ? 'ok: every checksum, hash and count matches'
        : `${report.problems.length} problem(s). Reading a damaged record fails. To keep the good episodes: ` +
            `workgym data repair ${run} --out ${run}-repaired (a new run), or resume the rollout (it runs damaged episodes again), ` +
            'or export with --skip-damaged.',
    );
  }
  if (!report.ok) process.exitCode = 1;
}

export async function repair(run: string, options: { out: string; json?: boolean }): Promise<void> {
  const report = await repairRun(run, options.out);
  console.log(options.json ? JSON.stringify(report, null, 2) : formatRepairReport(report));
}

function formatRepairReport(r: RepairReport): string {
  const lines = [`copied ${r.episodes} episodes (and the ${r.blobs} images they show) from ${r.from} to ${r.out}`];
  if (r.leftOut.length) {
    lines.push(`left out ${r.leftOut.length}:`);
    for (const l of r.leftOut) lines.push(`  ${l.episodeId ? `${l.episodeId}: ` : ''}${l.reason}`);
  }
  lines.push(
    r.finalised
      ? `${r.out} is finalised. Next: workgym data verify ${r.out}`
      : `${r.out} is open: resume the rollout into it (the same flags with --out ${r.out} --resume) to run what is missing again`,
  );
  return lines.join('\n');
}
