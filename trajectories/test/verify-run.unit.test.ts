import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptRecordError, createRun, exportRun, openRun, verifyRun } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

async function runWithScreenshots(): Promise<{ dir: string; shot: string }> {
  const dir = join(tempDir(), 'run');
  const writer = await createRun(dir, { shardBytes: 15_000 });
  const shot = await writer.putBlob(Buffer.alloc(5000, 7));
  for (let i = 1; i <= 8; i++) {
    await writer.append(makeEpisode({ seed: i, images: (step) => (step === 0 ? [{ sha256: shot, size: 5000 }] : []) }));
  }
  await writer.finalize();
  return { dir, shot };
}

function flipByteAt(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = bytes[offset]! ^ 0x01;
  writeFileSync(path, bytes);
}

describe('verifyRun', () => {
  it('passes a healthy run and counts what it holds', async () => {
    const { dir } = await runWithScreenshots();
    const report = await verifyRun(dir);
    expect(report).toMatchObject({ ok: true, problems: [], episodes: 8, blobs: 2 });
    expect(report.files.filter((f) => f.file.startsWith('shards/')).length).toBeGreaterThan(1);
  });

  it('detects a flipped bit anywhere in a shard', async () => {
    const { dir } = await runWithScreenshots();
    const shard = join(dir, 'shards', '000001.wgs');
    const size = readFileSync(shard).length;
    for (const at of [200, Math.floor(size / 2), size - 1]) {
      flipByteAt(shard, at);
      const report = await verifyRun(dir);
      expect(report.ok).toBe(false);
      expect(report.problems.join('\n')).toContain('shards/000001.wgs');
      flipByteAt(shard, at);
    }
    expect((await verifyRun(dir)).ok).toBe(true);
  });

  it('reports each damaged record and keeps checking the records after it', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const placed = [];
    for (let i = 1; i <= 5; i++) placed.push(await writer.append(makeEpisode({ seed: i })));
    await writer.finalize();
    flipByteAt(join(dir, 'shards', '000000.wgs'), placed[1]!.offset + 100);
    flipByteAt(join(dir, 'shards', '000000.wgs'), placed[3]!.offset + 100);
    const report = await verifyRun(dir);
    expect(report.episodes).toBe(3);
    expect(report.problems.filter((p) => p.includes('a damaged frame'))).toEqual([
      `shards/000000.wgs: a damaged frame (checksum mismatch) at offset ${placed[1]!.offset}; the frames around it are intact`,
      `shards/000000.wgs: a damaged frame (checksum mismatch) at offset ${placed[3]!.offset}; the frames around it are intact`,
    ]);

    // Readers refuse the damaged records; an export can leave them out and count them.
    await using reader = await openRun(dir);
    await expect(async () => {
      for await (const _ of reader.records()) void _;
    }).rejects.toBeInstanceOf(CorruptRecordError);
    await expect(exportRun(dir, { format: 'openai', out: join(dir, '..', 'x.jsonl') })).rejects.toBeInstanceOf(CorruptRecordError);
    const exported = await exportRun(dir, { format: 'openai', out: join(dir, '..', 'x.jsonl'), skipDamaged: true });
    expect(exported).toMatchObject({ rows: 3, skipped: { 'damaged record (see workgym data verify)': 2 } });
  });

  it('detects a damaged blob and a missing one', async () => {
    const { dir, shot } = await runWithScreenshots();
    const pack = join(dir, 'blobs', '000000.wgb');
    flipByteAt(pack, readFileSync(pack).length - 100);
    expect((await verifyRun(dir)).problems.join('\n')).toMatch(/blobs\/000000\.wgb: a damaged frame \(checksum mismatch\)/);

    rmSync(pack);
    const report = await verifyRun(dir);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        'blobs/000000.wgb is listed in index.json but missing',
        expect.stringContaining(`blob ${shot} named by episode ep-000001 step 0 is missing`),
      ]),
    );
  });

  it('detects shards whose counts no longer match the index and the manifest', async () => {
    const { dir } = await runWithScreenshots();
    rmSync(join(dir, 'shards', '000000.wgs'));
    const report = await verifyRun(dir);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        'shards/000000.wgs is listed in index.json but missing',
        expect.stringMatching(/^manifest\.json counts 8 episodes, the shards hold \d$/),
      ]),
    );
  });
});
