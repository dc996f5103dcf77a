import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError, createRun, openRun, resumeRun, verifyRun } from '../src/index.js';
import type { AppendResult } from '../src/index.js';
import { makeEpisode, rng } from './make-episode.js';
import { tempDir } from './temp-dir.js';

async function runWithTen(): Promise<{ dir: string; placed: AppendResult[] }> {
  const dir = join(tempDir(), 'run');
  const writer = await createRun(dir);
  const placed: AppendResult[] = [];
  for (let i = 1; i <= 10; i++) placed.push(await writer.append(makeEpisode({ seed: i })));
  await writer.close();
  return { dir, placed };
}

const shardPath = (dir: string, name = '000000.wgs') => join(dir, 'shards', name);

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0x5a;
  writeFileSync(path, bytes);
}

describe('a crash while writing', () => {
  it('loses nothing that append() had acknowledged when the writer process is killed', async () => {
    const dir = join(tempDir(), 'run');
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'append-until-killed.ts'), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acknowledged: string[] = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        acknowledged.push(...lines);
        if (acknowledged.length >= 40) child.kill('SIGKILL');
      });
    });

    await using reader = await openRun(dir);
    const ids = new Set(reader.episodeIds());
    for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    for (const id of acknowledged) expect((await reader.get(id))?.episodeId).toBe(id);
    expect((await verifyRun(dir)).problems).toEqual([]);
  });

  it('keeps every record before a cut at any offset of the shard; readers skip the torn rest, a resume cuts it off', async () => {
    const { dir, placed } = await runWithTen();
    const size = statSync(shardPath(dir)).size;
    const random = rng(42);
    const cuts = [
      placed[0]!.offset + 1,
      placed[9]!.offset + 3,
      size - 1,
      ...Array.from({ length: 12 }, () => placed[0]!.offset + Math.floor(random() * (size - placed[0]!.offset))),
    ];
    for (const cut of cuts) {
      const copy = join(tempDir(), 'run');
      cpSync(dir, copy, { recursive: true });
      truncateSync(shardPath(copy), cut);
      const whole = placed.filter((p) => p.offset + p.length <= cut);
      const goodEnd = whole.length ? whole.at(-1)!.offset + whole.at(-1)!.length : placed[0]!.offset;

      const reader = await openRun(copy);
      expect(reader.episodeIds()).toEqual(whole.map((p) => p.episodeId));
      const torn = { file: 'shards/000000.wgs', offset: goodEnd, droppedBytes: cut - goodEnd };
      expect(reader.repairs).toEqual(cut === goodEnd ? [] : [expect.objectContaining({ ...torn, truncated: false })]);
      await reader.close();
      expect(statSync(shardPath(copy)).size).toBe(cut);

      const writer = await resumeRun(copy);
      expect(writer.repairs).toEqual(cut === goodEnd ? [] : [expect.objectContaining({ ...torn, truncated: true })]);
      expect(statSync(shardPath(copy)).size).toBe(goodEnd);
      await writer.append(makeEpisode({ seed: 99 }));
      await writer.close();
      const verified = await verifyRun(copy);
      expect(verified.problems).toEqual([]);
      expect(verified.episodes).toBe(whole.length + 1);
    }
  });

  it('cuts off a zero-filled tail (blocks allocated but never written) at the next resume', async () => {
    const { dir } = await runWithTen();
    const size = statSync(shardPath(dir)).size;
    appendFileSync(shardPath(dir), Buffer.alloc(8192));
    const reader = await openRun(dir);
    expect(reader.size).toBe(10);
    expect(reader.repairs).toEqual([expect.objectContaining({ offset: size, droppedBytes: 8192, truncated: false })]);
    await reader.close();
    expect(statSync(shardPath(dir)).size).toBe(size + 8192);
    await using writer = await resumeRun(dir);
    expect(writer.repairs).toEqual([expect.objectContaining({ offset: size, droppedBytes: 8192, truncated: true })]);
    expect(statSync(shardPath(dir)).size).toBe(size);
  });

  it('does not touch the shard while a live writer holds the run, it only skips the torn bytes', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    for (let i = 1; i <= 3; i++) await writer.append(makeEpisode({ seed: i }));
    await writer.flush();
    const size = statSync(shardPath(dir)).size;
    appendFileSync(shardPath(dir), Buffer.from([7, 0, 0, 0, 0xf8]));
    const reader = await openRun(dir);
    expect(reader.size).toBe(3);
    expect(reader.repairs).toEqual([expect.objectContaining({ truncated: false })]);
    await reader.close();
    expect(statSync(shardPath(dir)).size).toBe(size + 5);
    truncateSync(shardPath(dir), size);
    await writer.close();
  });
});

describe('damage that is not a torn tail', () => {
  it('is reported, not cut off: a flipped byte inside a sealed shard', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const placed: AppendResult[] = [];
    for (let i = 1; i <= 5; i++) placed.push(await writer.append(makeEpisode({ seed: i })));
    await writer.finalize();
    const size = statSync(shardPath(dir)).size;
    flipByte(shardPath(dir), placed[2]!.offset + 40);
    // The episode index still points at every record; reading the damaged one fails loudly.
    const reader = await openRun(dir);
    expect(statSync(shardPath(dir)).size).toBe(size);
    expect((await reader.get('ep-000004'))?.seed).toBe(4);
    await expect(reader.get('ep-000003')).rejects.toBeInstanceOf(CorruptRecordError);
    await reader.close();
    const report = await verifyRun(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`shards/000000.wgs: a damaged frame \\(checksum mismatch\\) at offset ${placed[2]!.offset}`))]),
    );
  });

  it('is reported when a record length is damaged in the middle of an open shard; a resume runs what is past it again', async () => {
    const { dir, placed } = await runWithTen();
    const size = statSync(shardPath(dir)).size;
    // Unknown to the episode index: force a rescan, as after a crash.
    writeFileSync(join(dir, 'episodes.idx'), '');
    flipByte(shardPath(dir), placed[4]!.offset + 1);
    const reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(placed.slice(0, 4).map((p) => p.episodeId));
    expect(reader.damage).toEqual([{ file: 'shards/000000.wgs', offset: placed[4]!.offset, end: size, reason: 'damaged record header', episodes: [] }]);
    expect(reader.repairs).toEqual([]);
    await reader.close();
    expect(statSync(shardPath(dir)).size).toBe(size);

    // The frames past a damaged header cannot be found: their episodes are missing, so run again.
    const writer = await resumeRun(dir);
    expect(writer.damaged).toEqual([expect.objectContaining({ offset: placed[4]!.offset, end: size })]);
    expect(placed.map((p) => writer.has(p.episodeId))).toEqual([true, true, true, true, false, false, false, false, false, false]);
    for (let i = 5; i <= 10; i++) await writer.append(makeEpisode({ seed: i }));
    await writer.finalize();
    const verified = await verifyRun(dir);
    expect(verified).toMatchObject({ ok: true, episodes: 10 });
    expect(verified.notes.join('\n')).toMatch(new RegExp(`shards/000000.wgs: bytes ${placed[4]!.offset}-${size} are damaged \\(damaged record header\\)`));
    await using again = await openRun(dir);
    const read = [];
    for await (const record of again.records()) read.push(record.episodeId);
    expect(read).toEqual(placed.map((p) => p.episodeId));
  });
});
