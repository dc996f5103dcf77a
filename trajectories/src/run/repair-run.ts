import { BlobNotFoundError, CorruptRecordError } from '../errors.js';
import type { EpisodeRecord } from '../record/record.js';
import { readManifest, writeManifest } from '../storage/run-files.js';
import { openRun } from './run-reader.js';
import type { RunReader } from './run-reader.js';
import { createRun } from './create-run.js';

export interface RepairReport {
  from: string;
  out: string;
  /** Episodes copied, with every blob they name. */
  episodes: number;
  /** Observation images copied (each tool list is stored again with the first record naming it). */
  blobs: number;
  /** What the copy lacks, each saying where it was and why it was left out. */
  leftOut: LeftOut[];
  /** Whether the copy was finalised (the source was, and nothing was left out) or left open to be resumed. */
  finalised: boolean;
}

export interface LeftOut {
  /** Absent for a stretch of a file whose records could not be told apart. */
  episodeId?: string;
  reason: string;
}

/**
 * Copies the good episodes of a run, and the blobs they name, to a new run in `out`: records
 * that fail their checks and episodes naming a blob that is missing or damaged are left out
 * (and listed). The copy has the source's run id and spec, and `repairedFrom` in its manifest;
 * it is finalised when the source was and nothing was left out, else left open, so that
 * resuming the rollout into it runs the missing episodes again. The source is only read.
 */
export async function repairRun(run: string, out: string): Promise<RepairReport> {
  await using reader = await openRun(run);
  const leftOut = unreadableStretches(reader);
  const manifest = reader.manifest;
  const writer = await createRun(out, { runId: manifest.runId, spec: manifest.spec, versions: manifest.versions });
  const report: RepairReport = { from: run, out, episodes: 0, blobs: 0, leftOut, finalised: false };
  try {
    const copied = new Set<string>();
    for (const summary of reader.summaries()) {
      const whole = await readWhole(reader, summary.episodeId, leftOut);
      if (!whole) continue;
      for (const [sha256, bytes] of whole.blobs) {
        if (copied.has(sha256)) continue;
        await writer.putBlob(bytes);
        copied.add(sha256);
      }
      await writer.append(whole.record);
      report.episodes++;
    }
    report.blobs = copied.size;
    if (manifest.status === 'finalised' && leftOut.length === 0) {
      await writer.finalize();
      report.finalised = true;
    }
  } finally {
    await writer.close();
  }
  const repairedFrom = { run, at: new Date().toISOString(), leftOut: leftOut.map((l) => l.episodeId ?? l.reason) };
  writeManifest(out, { ...readManifest(out), repairedFrom });
  return report;
}

/** Damage past the episode index: the records there are lost and their ids unknown. */
function unreadableStretches(reader: RunReader): LeftOut[] {
  const lost: LeftOut[] = reader.damage
    .filter((d) => d.episodes.length === 0)
    .map((d) => ({ reason: `${d.file}: bytes ${d.offset}-${d.end} do not read back (${d.reason}); the records there are lost` }));
  for (const entry of reader.shardTable.shards) {
    for (const d of entry.damaged ?? []) {
      for (const episodeId of d.episodes.filter((id) => !reader.has(id))) {
        lost.push({ episodeId, reason: `damaged in shards/${entry.name} (${d.reason}), found by a resume, and not run again since` });
      }
    }
  }
  return lost;
}

/** The record and the blobs it names, all read back whole; else undefined (and why, in `leftOut`). */
async function readWhole(reader: RunReader, episodeId: string, leftOut: LeftOut[]): Promise<{ record: EpisodeRecord; blobs: Map<string, Buffer> } | undefined> {
  try {
    const record = (await reader.get(episodeId))!;
    const blobs = new Map<string, Buffer>();
    for (const sha256 of imagesOf(record)) blobs.set(sha256, await reader.blob(sha256));
    return { record, blobs };
  } catch (error) {
    if (!(error instanceof CorruptRecordError || error instanceof BlobNotFoundError)) throw error;
    // The message names the episode (said already) and ends with advice for readers (not needed here).
    leftOut.push({ episodeId, reason: error.message.replace(`episode ${episodeId}: `, '').replace(/; run `workgym data verify`$/, '') });
    return undefined;
  }
}

function imagesOf(record: EpisodeRecord): string[] {
  return (record.steps ?? []).flatMap((step) => (step.observation?.images ?? []).map((image) => image.sha256 ?? '')).filter(Boolean);
}
