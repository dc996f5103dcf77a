import { existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError, createRun, exportRun, openRun, repairRun, resumeRun, verifyRun } from '../src/index.js';
import type { AppendResult, RunReader } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

// Real damage in real files: a sealed shard cut short by a few bytes, and a few flipped bytes
// inside a sealed shard's record, as a failing disk or a bad copy leaves them.

const shardPath = (dir: string) => join(dir, 'shards', '000000.wgs');

async function finalisedRun(episodes = 5): Promise<{ dir: string; placed: AppendResult[] }> {
  const dir = join(tempDir(), 'run');
  const writer = await createRun(dir);
  const placed: AppendResult[] = [];
  for (let i = 1; i <= episodes; i++) placed.push(await writer.append(makeEpisode({ seed: i })));
  await writer.finalize();
  return { dir, placed };
}

function flipBytes(path: string, offset: number, count: number): void {
  const bytes = readFileSync(path);
  for (let i = 0; i < count; i++) bytes[offset + i] = bytes[offset + i]! ^ 0xa5;
  writeFileSync(path, bytes);
}

async function allRecordIds(reader: RunReader): Promise<string[]> {
  const ids = [];
  for await (const record of reader.records()) ids.push(record.episodeId!);
  return ids;
}

describe('a sealed shard cut short by a few bytes', () => {
  it('is damage naming the last episode: the export fails unless told to skip it, and then says what it skipped', async () => {
    const { dir, placed } = await finalisedRun();
    const size = statSync(shardPath(dir)).size;
    truncateSync(shardPath(dir), size - 3);

    const reader = await openRun(dir);
    expect(reader.episodeIds()).toHaveLength(5);
    expect(reader.damage).toEqual([
      {
        file: 'shards/000000.wgs',
        offset: placed[4]!.offset,
        end: size,
        reason: 'the file ends 3 bytes short of the records indexed in it',
        episodes: ['ep-000005'],
      },
    ]);
    expect(await reader.checkRecords()).toEqual(reader.damage);
    await reader.close();

    const out = join(tempDir(), 'sft.jsonl');
    const failed = exportRun(dir, { format: 'openai', out });
    await expect(failed).rejects.toBeInstanceOf(CorruptRecordError);
    await expect(failed).rejects.toThrow(/episode ep-000005: .* is damaged \(the file ends 3 bytes into it\).*--skip-damaged/);
    expect(existsSync(out)).toBe(false);

    const report = await exportRun(dir, { format: 'openai', out, skipDamaged: true });
    expect(report).toMatchObject({ episodes: 5, rows: 4, damaged: ['ep-000005'], skipped: { 'damaged record (see workgym data verify)': 1 } });
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('fails the export even when the episode index is gone and the lost records cannot be named', async () => {
    const { dir } = await finalisedRun();
    truncateSync(shardPath(dir), statSync(shardPath(dir)).size - 3);
    rmSync(join(dir, 'episodes.idx'));
    const out = join(tempDir(), 'sft.jsonl');
    await expect(exportRun(dir, { format: 'openai', out })).rejects.toThrow(
      /shards\/000000\.wgs: bytes \d+-\d+ do not read back \(the sealed file ends inside a frame\)/,
    );
    const report = await exportRun(dir, { format: 'openai', out, skipDamaged: true });
    expect(report.rows).toBe(4);
    expect(report.notes.join('\n')).toMatch(/the records there are lost and not exported/);
  });
});

describe('flipped bytes inside a sealed shard', () => {
  it('are found by checkRecords, named by episode, although opening reads nothing of the shard', async () => {
    const { dir, placed } = await finalisedRun();
    flipBytes(shardPath(dir), placed[2]!.offset + 40, 3);
    await using reader = await openRun(dir);
    expect(reader.damage).toEqual([]);
    expect(await reader.checkRecords()).toEqual([
      {
        file: 'shards/000000.wgs',
        offset: placed[2]!.offset,
        end: placed[2]!.offset + placed[2]!.length,
        reason: 'checksum mismatch',
        episodes: ['ep-000003'],
      },
    ]);
  });

  it('make a resume treat the episode as missing; running it again gives a run that verifies, and readers take the good copy', async () => {
    const { dir, placed } = await finalisedRun();
    flipBytes(shardPath(dir), placed[2]!.offset + 40, 3);

    const writer = await resumeRun(dir);
    expect(writer.damaged).toEqual([expect.objectContaining({ episodes: ['ep-000003'], reason: 'checksum mismatch' })]);
    expect(placed.map((p) => writer.has(p.episodeId))).toEqual([true, true, false, true, true]);
    expect(writer.episodeIds()).toEqual(['ep-000001', 'ep-000002', 'ep-000004', 'ep-000005']);
    await writer.append(makeEpisode({ seed: 3 }));
    await writer.finalize();

    const report = await verifyRun(dir);
    expect(report).toMatchObject({ ok: true, problems: [], episodes: 5 });
    expect(report.notes.join('\n')).toMatch(
      /shards\/000000\.wgs: bytes \d+-\d+ are damaged \(checksum mismatch\), known since the resume of .*ep-000003, each run again since/,
    );

    const reader = await openRun(dir);
    expect(reader.summary('ep-000003')?.shard).toBe('000001.wgs');
    expect((await reader.get('ep-000003'))?.seed).toBe(3);
    expect(await reader.checkRecords()).toEqual([]);
    expect(await allRecordIds(reader)).toEqual(['ep-000001', 'ep-000002', 'ep-000004', 'ep-000005', 'ep-000003']);
    await reader.close();
    const exported = await exportRun(dir, { format: 'openai', out: join(tempDir(), 'all.jsonl') });
    expect(exported.rows).toBe(5);

    // Rebuilt from the shards, the index skips the recorded damage and holds no duplicate.
    rmSync(join(dir, 'episodes.idx'));
    await using rebuilt = await openRun(dir);
    expect(rebuilt.episodeIds()).toEqual(['ep-000001', 'ep-000002', 'ep-000004', 'ep-000005', 'ep-000003']);
    expect(rebuilt.damage).toEqual([]);
  });

  it('in a damaged record header are skipped too: the records after it stay readable', async () => {
    const { dir, placed } = await finalisedRun();
    flipBytes(shardPath(dir), placed[1]!.offset + 1, 2);
    const writer = await resumeRun(dir);
    expect(writer.damaged).toEqual([expect.objectContaining({ episodes: ['ep-000002'], reason: 'damaged record header' })]);
    await writer.append(makeEpisode({ seed: 2 }));
    await writer.close();
    expect((await verifyRun(dir)).problems).toEqual([]);
    rmSync(join(dir, 'episodes.idx'));
    await using reader = await openRun(dir);
    expect(await allRecordIds(reader)).toEqual(['ep-000001', 'ep-000003', 'ep-000004', 'ep-000005', 'ep-000002']);
  });
});

describe('repairRun', () => {
  it('copies the good episodes and their blobs to a new run that verifies, and lists what it left out', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const shots = [await writer.putBlob(Buffer.alloc(4000, 1)), await writer.putBlob(Buffer.alloc(4000, 2))];
    const placed: AppendResult[] = [];
    for (let i = 1; i <= 5; i++) {
      const sha256 = shots[i === 4 ? 1 : 0]!;
      placed.push(await writer.append(makeEpisode({ seed: i, images: (step) => (step === 0 ? [{ sha256, size: 4000 }] : []) })));
    }
    await writer.finalize();
    flipBytes(shardPath(dir), placed[2]!.offset + 40, 2);
    // The second screenshot's bytes: only episode 4 shows it.
    const reader = await openRun(dir);
    const pack = join(dir, 'blobs', '000000.wgb');
    const packBytes = readFileSync(pack);
    const at = packBytes.indexOf(Buffer.alloc(64, 2));
    await reader.close();
    flipBytes(pack, at, 1);

    const out = join(tempDir(), 'repaired');
    const report = await repairRun(dir, out);
    expect(report).toMatchObject({ from: dir, out, episodes: 3, blobs: 1, finalised: false });
    expect(report.leftOut).toEqual([
      { episodeId: 'ep-000003', reason: `the record in shards/000000.wgs at offset ${placed[2]!.offset} is damaged (checksum mismatch)` },
      { episodeId: 'ep-000004', reason: expect.stringMatching(/^blob [0-9a-f]{64} in 000000\.wgb at offset \d+ is damaged$/) },
    ]);
    expect(await verifyRun(out)).toMatchObject({ ok: true, episodes: 3 });

    await using copy = await openRun(out);
    expect(copy.manifest).toMatchObject({ runId: 'run', status: 'open', repairedFrom: { run: dir, leftOut: ['ep-000003', 'ep-000004'] } });
    expect(copy.episodeIds()).toEqual(['ep-000001', 'ep-000002', 'ep-000005']);
    const shot = (await copy.get('ep-000005'))!.steps![0]!.observation!.images![0]!.sha256!;
    expect(await copy.blob(shot)).toEqual(Buffer.alloc(4000, 1));
    // The source is only read.
    expect((await verifyRun(dir)).ok).toBe(false);
  });

  it('finalises the copy of a finalised run that lost nothing', async () => {
    const { dir } = await finalisedRun(3);
    const out = join(tempDir(), 'copy');
    expect(await repairRun(dir, out)).toMatchObject({ episodes: 3, leftOut: [], finalised: true });
    expect(await verifyRun(out)).toMatchObject({ ok: true, episodes: 3 });
  });
});
