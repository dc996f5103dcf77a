import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { leftoverTemps } from '../storage/atomic-file.js';
import { EpisodeIndex } from './episode-index.js';
import type { EpisodeRecord } from '../record/record.js';
import type { ShardEntry } from '../storage/run-files.js';
import { readManifest, readShardTable, runPaths } from '../storage/run-files.js';
import { liveLockHolder } from '../storage/run-lock.js';
import { isTornTail, readablePieces, readSegmentStart, scanFrames, SEGMENT_MAGIC } from '../storage/segment-file.js';
import type { ScanEnd, ScannedFrame, SegmentKind } from '../storage/segment-file.js';
import type { RecordCodec } from '../codec/record-codec.js';
import { toolsHash } from '../record/task.js';

export interface FileCheck {
  file: string;
  frames: number;
  bytes: number;
  /** What index.json says about the file, when it lists it. */
  expected: ShardEntry | undefined;
  problems: string[];
}

export interface VerifyReport {
  ok: boolean;
  dir: string;
  episodes: number;
  blobs: number;
  files: FileCheck[];
  /** Every problem found, each saying where. */
  problems: string[];
  /** Things worth knowing that are not damage (e.g. a live writer). */
  notes: string[];
}

const EMPTY_TOOLS_HASH = toolsHash([]);

/**
 * Reads every byte of a run and checks it: each frame's checksum, each blob against its
 * sha256 name, each sealed file's size, frame count and digest against index.json, the
 * manifest's counts, unique episode ids, and that every blob a record names exists.
 * Damage a resume recorded in index.json (its episodes were run again) is skipped and noted,
 * as are temp files an interrupted write left. Changes nothing.
 */
export async function verifyRun(dir: string, options: { signal?: AbortSignal } = {}): Promise<VerifyReport> {
  const { signal } = options;
  const manifest = readManifest(dir);
  const paths = runPaths(dir);
  const report: VerifyReport = { ok: true, dir, episodes: 0, blobs: 0, files: [], problems: [], notes: [] };
  let table;
  try {
    table = readShardTable(dir);
  } catch (error) {
    report.problems.push((error as Error).message);
    table = { formatVersion: 1 as const, shards: [], packs: [] };
  }
  const live = liveLockHolder(dir);
  if (live) report.notes.push(`process ${live.pid} on ${live.host} is writing this run; its newest frames may not be flushed yet`);
  for (const temp of leftoverTemps(dir)) {
    report.notes.push(`${temp} was left by an interrupted write of the index files (a full disk?); the next resume removes it, or delete it`);
  }

  const blobNames = new Set<string>();
  const wanted = new Map<string, string>();
  const ids = new Set<string>();
  const steps = { total: 0 };
  const byStatus: Record<string, number> = {};

  await checkFolder(report, signal, paths.shards, 'shards', '.wgs', 'shard', table.shards, (frame, codec, file) => {
    const record = codec!.decode(frame.payload) as EpisodeRecord;
    const id = record.episodeId ?? '';
    if (ids.has(id)) report.problems.push(`${file}@${frame.offset}: episode id ${JSON.stringify(id)} appears twice`);
    ids.add(id);
    steps.total += record.steps?.length ?? 0;
    byStatus[record.status ?? ''] = (byStatus[record.status ?? ''] ?? 0) + 1;
    if (record.toolsHash && record.toolsHash !== EMPTY_TOOLS_HASH && (record.tools ?? []).length === 0) {
      if (!wanted.has(record.toolsHash)) wanted.set(record.toolsHash, `episode ${id} (tool list)`);
    }
    for (const step of record.steps ?? []) {
      for (const image of step.observation?.images ?? []) {
        if (image.sha256 && !wanted.has(image.sha256)) wanted.set(image.sha256, `episode ${id} step ${step.index}`);
      }
    }
  });
  await checkFolder(report, signal, paths.blobs, 'blobs', '.wgb', 'pack', table.packs, (frame, _codec, file) => {
    const name = frame.payload.subarray(0, 32).toString('hex');
    const actual = createHash('sha256').update(frame.payload.subarray(32)).digest('hex');
    if (actual !== name) report.problems.push(`${file}@${frame.offset}: blob ${name} holds bytes whose sha256 is ${actual}`);
    blobNames.add(name);
  });
  report.episodes = ids.size;
  report.blobs = blobNames.size;
  noteKnownDamage(report, table.shards, ids);

  for (const [sha, where] of wanted) if (!blobNames.has(sha)) report.problems.push(`blob ${sha} named by ${where} is missing`);
  if (manifest.status === 'finalised' && manifest.counts) {
    const c = manifest.counts;
    if (c.episodes !== ids.size) report.problems.push(`manifest.json counts ${c.episodes} episodes, the shards hold ${ids.size}`);
    if (c.steps !== steps.total) report.problems.push(`manifest.json counts ${c.steps} steps, the shards hold ${steps.total}`);
    for (const [status, n] of Object.entries(c.byStatus)) {
      if ((byStatus[status] ?? 0) !== n) report.problems.push(`manifest.json counts ${n} ${status} episodes, the shards hold ${byStatus[status] ?? 0}`);
    }
  }
  const index = EpisodeIndex.load(paths.episodes);
  if (index && index.size > ids.size) {
    report.problems.push(`episodes.idx lists ${index.size} episodes, the shards hold ${ids.size}`);
  }
  report.ok = report.problems.length === 0;
  return report;
}

async function checkFolder(
  report: VerifyReport,
  signal: AbortSignal | undefined,
  folder: string,
  label: string,
  extension: string,
  kind: SegmentKind,
  entries: ShardEntry[],
  onFrame: (frame: ScannedFrame, codec: RecordCodec | undefined, file: string) => void,
): Promise<void> {
  const names = existsSync(folder)
    ? readdirSync(folder)
        .filter((n) => n.endsWith(extension))
        .sort()
    : [];
  for (const entry of entries) {
    if (!names.includes(entry.name)) report.problems.push(`${label}/${entry.name} is listed in index.json but missing`);
  }
  for (const name of names) {
    const file = `${label}/${name}`;
    const expected = entries.find((e) => e.name === name);
    const check: FileCheck = { file, frames: 0, bytes: (await stat(join(folder, name))).size, expected, problems: [] };
    report.files.push(check);
    const fh = await open(join(folder, name), 'r');
    try {
      const start = await readSegmentStart(fh, check.bytes, file, kind);
      if (start.kind === 'torn') {
        check.problems.push(`${file} ends inside its header (a writer stopped while creating it)`);
      } else {
        const digest = createHash('sha256');
        if (kind === 'shard') {
          const head = Buffer.alloc(start.dataStart);
          await fh.read(head, 0, head.length, 0);
          digest.update(head);
        } else digest.update(SEGMENT_MAGIC.pack);
        const damaged = (offset: number, reason: string) => {
          check.frames++;
          check.problems.push(`${file}: a damaged frame (${reason}) at offset ${offset}; the frames around it are intact`);
        };
        let clean = true;
        for (const [from, to] of readablePieces(start.dataStart, check.bytes, expected?.damaged ?? [])) {
          const result: { end?: ScanEnd } = {};
          for await (const frame of scanFrames(fh, to, from, result, damaged)) {
            check.frames++;
            if (kind === 'shard') digest.update(frame.header).update(frame.payload);
            else digest.update(frame.header).update(frame.payload.subarray(0, 32));
            signal?.throwIfAborted();
            try {
              onFrame(frame, start.codec, file);
            } catch (error) {
              check.problems.push(`${file}@${frame.offset}: frame does not decode (${(error as Error).message})`);
            }
          }
          const end = result.end!;
          if (end.kind === 'clean') continue;
          clean = false;
          if (to === check.bytes && isTornTail(end, expected?.sealed ?? false, expected?.bytes ?? 0)) {
            report.notes.push(
              `${file}: the last ${to - end.offset} bytes (from offset ${end.offset}) are a write the writer did not finish, past its last flush; ` +
                'readers skip them and the next resume cuts them off',
            );
            continue;
          }
          const what =
            end.kind === 'short'
              ? to === check.bytes
                ? 'an incomplete last frame (torn tail)'
                : 'a frame running into known damage'
              : `a damaged frame (${end.reason})`;
          check.problems.push(`${file}: ${what} at offset ${end.offset}; ${to - end.offset} bytes from there on are unreadable`);
        }
        // Known damage changed the file since it was sealed: its size and digest tell nothing more.
        if (!expected) report.notes.push(`${file} is not in index.json yet (written after the last flush)`);
        else if (!expected.damaged?.length) compare(check, expected, clean ? digest.digest('hex') : undefined);
      }
    } catch (error) {
      if (signal?.aborted) throw error;
      check.problems.push(`${file}: ${(error as Error).message}`);
    } finally {
      await fh.close();
    }
    report.problems.push(...check.problems);
  }
}

function compare(check: FileCheck, expected: ShardEntry, digest: string | undefined): void {
  const { file } = check;
  if (expected.sealed) {
    if (check.bytes !== expected.bytes) check.problems.push(`${file}: ${check.bytes} bytes, index.json says ${expected.bytes}`);
    if (check.frames !== expected.records) check.problems.push(`${file}: ${check.frames} frames, index.json says ${expected.records}`);
    if (digest && expected.sha256 && digest !== expected.sha256) {
      check.problems.push(`${file}: digest ${digest} does not match index.json (${expected.sha256})`);
    }
  } else {
    // An open file may have grown since the last flush, never shrunk.
    if (check.bytes < expected.bytes) check.problems.push(`${file}: ${check.bytes} bytes, but ${expected.bytes} were flushed`);
    if (check.frames < expected.records) check.problems.push(`${file}: ${check.frames} frames, but ${expected.records} were flushed`);
  }
}

/** Damage a resume recorded, and whether each episode that was there has a good copy now. */
function noteKnownDamage(report: VerifyReport, shards: ShardEntry[], ids: Set<string>): void {
  for (const entry of shards) {
    for (const d of entry.damaged ?? []) {
      const episodes = d.episodes.length ? `episode(s) ${d.episodes.join(', ')}` : 'no indexed episode';
      const missing = d.episodes.filter((id) => !ids.has(id));
      report.notes.push(
        `shards/${entry.name}: bytes ${d.offset}-${d.end} are damaged (${d.reason}), known since the resume of ${d.foundAt} and skipped (the file's size and digest are not compared); ` +
          `they held ${episodes}` +
          (missing.length
            ? `, of which ${missing.join(', ')} have not been run again yet (resume the run to run them)`
            : d.episodes.length
              ? ', each run again since'
              : ''),
      );
    }
  }
}
