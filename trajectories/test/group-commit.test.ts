import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun, openRun, resumeRun, verifyRun, WriterClosedError } from '../src/index.js';
import type { AppendResult, EpisodeRecord } from '../src/index.js';
import { SegmentAppender } from '../src/storage/segment-appender.js';
import { scanFrames, segmentPreamble } from '../src/storage/segment-file.js';
import type { ScanEnd } from '../src/storage/segment-file.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

/** Runs a fixture script; returns its stdout lines (the test kills it via `onLine` when it wants). */
function runFixture(command: string, args: string[], onLine?: (line: string, kill: () => void) => void): Promise<string[]> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => resolve(lines));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      for (const line of complete) {
        lines.push(line);
        onLine?.(line, () => child.kill('SIGKILL'));
      }
    });
  });
}

const tsx = ['--conditions=source', '--import', 'tsx'];

describe('group commit', () => {
  it('writes frames queued together in one write, each intact and in call order', async () => {
    const folder = join(tempDir(), 'shards');
    mkdirSync(folder);
    const appender = new SegmentAppender(folder, 'wgb', segmentPreamble('pack'), [], 1 << 20);
    const payloads = Array.from({ length: 50 }, (_, i) => Buffer.from(`frame ${i} `.repeat(i + 1)));
    const placed = await Promise.all(payloads.map((p) => appender.append([p], (at) => at)));
    expect(appender.writes).toBe(1);
    appender.close();

    const fh = await open(join(folder, '000000.wgb'), 'r');
    const result: { end?: ScanEnd } = {};
    const frames = [];
    for await (const frame of scanFrames(fh, (await fh.stat()).size, 8, result)) frames.push(frame);
    await fh.close();
    expect(result.end).toEqual({ kind: 'clean' });
    expect(frames.map((f) => f.payload.toString())).toEqual(payloads.map((p) => p.toString()));
    expect(frames.map((f) => f.offset)).toEqual(placed.map((p) => p.offset));
  });

  it('lands every record appended by many concurrent tasks, in call order, each as written', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir, { shardBytes: 60_000 });
    const called: EpisodeRecord[] = [];
    const results: AppendResult[] = [];
    let next = 1;
    const task = async () => {
      while (next <= 120) {
        const record = makeEpisode({ seed: next++, steps: 1 + (next % 4) });
        called.push(record);
        results.push(await writer.append(record));
      }
    };
    await Promise.all(Array.from({ length: 12 }, task));
    await writer.finalize();

    await using reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(called.map((r) => r.episodeId));
    const read = [];
    for await (const record of reader.records()) read.push(record);
    expect(read.map((r) => [r.episodeId, r.steps?.map((s) => s.observation?.text)])).toEqual(
      called.map((r) => [r.episodeId, r.steps?.map((s) => s.observation?.text)]),
    );
    for (const r of results) expect(reader.summary(r.episodeId)).toMatchObject({ shard: r.shard, offset: r.offset, length: r.length });
    expect((await verifyRun(dir)).problems).toEqual([]);
  });

  it('rejects every append of a failed write, loses nothing acknowledged, and stops the writer', async () => {
    const dir = join(tempDir(), 'run');
    // A 96 KiB file size limit: the shard fills up after a few rounds, mid-write.
    const lines = await runFixture('bash', ['-c', `ulimit -f 96; exec "${process.execPath}" ${tsx.join(' ')} "${fixture('append-until-full.ts')}" "${dir}"`]);
    const events = lines.map((l) => JSON.parse(l) as { round?: number; id?: string; ok?: boolean; error?: string; after?: string; closed?: boolean });
    const appends = events.filter((e) => e.id);
    const failedRound = appends.find((e) => !e.ok)!.round;
    expect(failedRound).toBeGreaterThan(0);
    // The round was one write: every append in it failed with the write's error, none before it did.
    expect(appends.filter((e) => e.round === failedRound).map((e) => [e.ok, e.error])).toEqual(Array(8).fill([false, 'RunWriteError/EFBIG']));
    expect(appends.filter((e) => e.round! < failedRound!).every((e) => e.ok)).toBe(true);
    expect(events.find((e) => e.after)?.after).toBe(WriterClosedError.name);
    expect(events.at(-1)).toEqual({ closed: true });

    const acknowledged = appends.filter((e) => e.ok).map((e) => e.id);
    await using reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(acknowledged);
    expect(reader.repairs).toEqual([]);
    for (const id of acknowledged) expect((await reader.get(id!))?.episodeId).toBe(id);
    expect((await verifyRun(dir)).problems).toEqual([]);
  });

  it('loses nothing acknowledged when concurrent appenders are killed mid-write; the torn tail is cut off', async () => {
    const dir = join(tempDir(), 'run');
    const acknowledged: string[] = [];
    await runFixture(process.execPath, [...tsx, fixture('append-until-killed.ts'), dir, '8'], (line, kill) => {
      acknowledged.push(line);
      if (acknowledged.length === 60) kill();
    });
    await using reader = await openRun(dir);
    const ids = new Set(reader.episodeIds());
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    for (const id of acknowledged) expect((await reader.get(id))?.episodeId).toBe(id);
    expect((await verifyRun(dir)).problems).toEqual([]);
    // And the run goes on from there.
    const writer = await resumeRun(dir);
    await writer.append(makeEpisode({ seed: 1_000_000 }));
    await writer.close();
    expect((await verifyRun(dir)).problems).toEqual([]);
  });
});
