import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun, type AppendResult, type EpisodeRecord } from '@workgym/trajectories';
import { fill, smallDisk } from '../../../trajectories/test/full-disk.js';
import { workgym } from './run-cli.js';

// `workgym data` on runs with real damage (bytes cut off or flipped in a sealed shard) and on
// a real full disk (a small tmpfs).

function episode(n: number): EpisodeRecord {
  return {
    episodeId: `ep-${n}`,
    env: 'code',
    family: 'code/sql-query',
    job: 'data-analyst',
    seed: n,
    status: 'success',
    success: true,
    finalReward: 1,
    instruction: `task ${n}: ${'count the rows of the orders table '.repeat(20)}`,
    steps: [{ index: 0, toolCalls: [{ id: 'c1', name: 'submit', argumentsJson: '{"answer":"42"}' }], results: [{ callId: 'c1', text: 'submitted' }] }],
  };
}

async function finalisedRun(dir: string): Promise<AppendResult[]> {
  const writer = await createRun(dir);
  const placed = [];
  for (let n = 1; n <= 4; n++) placed.push(await writer.append(episode(n)));
  await writer.finalize();
  return placed;
}

const shard = (run: string) => join(run, 'shards', '000000.wgs');
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('workgym data on a damaged run', () => {
  it('stats warns of flipped bytes in a sealed shard, exits 1 with --strict, and lists the damage in --json', async () => {
    const run = join(await mkdtemp(join(tmpdir(), 'workgym-data-faults-')), 'run');
    const placed = await finalisedRun(run);
    const bytes = readFileSync(shard(run));
    for (const at of [30, 31, 32]) bytes[placed[1]!.offset + at]! ^= 0xff;
    writeFileSync(shard(run), bytes);

    const stats = await workgym('data', 'stats', run);
    expect(stats.code).toBe(0);
    expect(stats.stderr).toContain(
      `workgym: warning: ${run}: shards/000000.wgs is damaged at offset ${placed[1]!.offset} (checksum mismatch): episode(s) ep-2 cannot be read`,
    );
    expect(stats.stderr).toContain(`\`workgym data repair ${run} --out NEW\``);
    expect((await workgym('data', 'stats', run, '--strict')).code).toBe(1);
    const json = await workgym('data', 'stats', run, '--json', '--strict');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      episodes: 4,
      attempts: 4,
      retried: 0,
      infraErrors: 0,
      damage: [{ file: 'shards/000000.wgs', episodes: ['ep-2'], reason: 'checksum mismatch' }],
    });

    // The good episodes go to a new run, which verifies; what was left out is said.
    const repaired = join(run, '..', 'repaired');
    const repair = await workgym('data', 'repair', run, '--out', repaired);
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stdout).toContain(`copied 3 episodes (and the 0 images they show) from ${run} to ${repaired}`);
    expect(repair.stdout).toContain(`left out 1:\n  ep-2: the record in shards/000000.wgs at offset ${placed[1]!.offset} is damaged (checksum mismatch)`);
    const verified = await workgym('data', 'verify', repaired);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain(`${repaired}: 3 episodes`);
  });

  it('export fails naming the episode a sealed shard cut short lost, unless --skip-damaged, which names what it skipped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'workgym-data-faults-'));
    const run = join(dir, 'run');
    await finalisedRun(run);
    truncateSync(shard(run), statSync(shard(run)).size - 3);
    const out = join(dir, 'sft.jsonl');

    const stats = await workgym('data', 'stats', run, '--strict');
    expect(stats.code).toBe(1);
    expect(stats.stderr).toMatch(
      /shards\/000000\.wgs is damaged at offset \d+ \(the file ends 3 bytes short of the records indexed in it\): episode\(s\) ep-4 cannot be read/,
    );

    const failed = await workgym('data', 'export', run, '--format', 'openai', '--out', out);
    expect(failed.code).toBe(1);
    noStack(failed.stderr);
    expect(failed.stderr.split('\n')[0]).toMatch(
      /^workgym: episode ep-4: the record in shards\/000000\.wgs at offset \d+ is damaged \(the file ends 3 bytes into it\).*--skip-damaged/,
    );
    expect(existsSync(out)).toBe(false);

    const skipped = await workgym('data', 'export', run, '--format', 'openai', '--out', out, '--skip-damaged');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('wrote 3 openai rows');
    expect(skipped.stdout).toContain('damaged episodes left out: ep-4');
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
  });
});

describe('workgym data on a full disk', () => {
  it('reads a run whose index must be caught up without writing a byte, and says so in one line when its own output does not fit', async () => {
    const disk = smallDisk(1 << 20);
    const run = join(disk, 'run');
    await finalisedRun(run);
    // As after a crash before the first flush: the index is rebuilt from the shards on every open.
    rmSync(join(run, 'episodes.idx'));
    rmSync(join(run, 'blobs.idx'));
    fill(join(disk, 'filler'));

    const stats = await workgym('data', 'stats', run, '--json');
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ episodes: 4, damage: [] });
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'workgym-data-faults-')), 'sft.jsonl');
    const exported = await workgym('data', 'export', run, '--format', 'openai', '--out', elsewhere);
    expect(exported.code, exported.stderr).toBe(0);
    expect(readdirSync(run).filter((name) => name.includes('.tmp-'))).toEqual([]);

    const onFullDisk = await workgym('data', 'export', run, '--format', 'openai', '--out', join(disk, 'sft.jsonl'));
    expect(onFullDisk.code).toBe(1);
    noStack(onFullDisk.stderr);
    expect(onFullDisk.stderr.trimEnd().split('\n')).toEqual([
      `workgym: cannot write ${join(disk, 'sft.jsonl')}: no space left on the disk (ENOSPC)`,
      'hint: free some space on that disk, then run the command again (an interrupted rollout goes on with --resume)',
    ]);
    expect(readdirSync(disk).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
