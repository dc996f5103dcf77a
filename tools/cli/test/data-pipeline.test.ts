import { readdirSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fill, smallDisk } from '../../../trajectories/test/full-disk.js';
import { workgym } from './run-cli.js';

/** What a rollout on the full disk finds free: the run's first files and about one code episode. */
const FREE_BYTES = 48 << 10;

let dir: string;
let run: string;

// One real rollout in the code env's container, then everything a user does with the run.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-data-'));
  run = join(dir, 'run');
  const rollout = await workgym('rollout', '--env', 'code', '--family', 'code/sql-query', '--agent', 'expert', '--episodes', '2', '--out', run);
  expect(rollout.code, rollout.stderr).toBe(0);
}, 300_000);

describe('workgym rollout, then workgym data', () => {
  it('reports the run in the documented JSON shape', async () => {
    const { code, stdout } = await workgym('data', 'stats', run, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ episodes: 2, successRate: 1, byEnv: { code: { episodes: 2 } } });
  });

  it('shows one episode as a transcript', async () => {
    const { code, stdout } = await workgym('data', 'show', run, 'code/sql-query:train:0:0');
    expect(code).toBe(0);
    expect(stdout).toMatch(/sql/i);
    expect(stdout).toMatch(/submit|answer/);
  });

  it('exports OpenAI chat JSONL with one line per episode', async () => {
    const out = join(dir, 'sft.jsonl');
    const { code } = await workgym('data', 'export', run, '--format', 'openai', '--out', out);
    expect(code).toBe(0);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { messages: { role: string }[] });
    expect(lines).toHaveLength(2);
    expect(lines[0]!.messages.some((m) => m.role === 'tool')).toBe(true);
  });

  it('refuses to start a second rollout into the same folder, naming --resume', async () => {
    const again = await workgym('rollout', '--env', 'code', '--agent', 'expert', '--out', run);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a run.*--resume/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });

  it('verifies the run, and exits non-zero once a shard byte is flipped', async () => {
    expect((await workgym('data', 'verify', run)).code).toBe(0);
    const shards = join(run, 'shards');
    const [shard] = (await readdir(shards)).filter((f) => !f.endsWith('.idx'));
    const path = join(shards, shard!);
    const bytes = await readFile(path);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    await writeFile(path, bytes);
    const damaged = await workgym('data', 'verify', run);
    expect(damaged.code).not.toBe(0);
    expect(damaged.stdout + damaged.stderr).toMatch(/damage|checksum|corrupt/i);
  });

  it('warns of the flipped byte in stats, and a resume runs the damaged episode again into a run that verifies', async () => {
    const stats = await workgym('data', 'stats', run, '--strict');
    expect(stats.code).toBe(1);
    expect(stats.stderr).toMatch(
      /shards\/000000\.wgs is damaged at offset \d+ \(checksum mismatch\): episode\(s\) code\/sql-query:train:[01]:0 cannot be read/,
    );

    const resumed = await workgym('rollout', '--env', 'code', '--family', 'code/sql-query', '--agent', 'expert', '--episodes', '2', '--out', run, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('(1 were already there)');
    const verified = await workgym('data', 'verify', run);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(
      /note: shards\/000000\.wgs: bytes \d+-\d+ are damaged \(checksum mismatch\), known since the resume of .*, each run again since/,
    );
    const after = await workgym('data', 'stats', run, '--json', '--strict');
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ episodes: 2, successRate: 1, damage: [] });
  }, 300_000);
});

describe('workgym rollout on a full disk', () => {
  it('stops with one line and a hint, keeps what it wrote, and a resume finishes the run once there is room', async () => {
    const disk = smallDisk(1 << 20);
    const out = join(disk, 'run');
    const args = ['rollout', '--env', 'code', '--family', 'code/sql-query', '--agent', 'expert', '--episodes', '6', '--parallel', '1', '--out', out];
    // Room for the run's files and an episode or two, not for six.
    fill(join(disk, 'filler'), (1 << 20) - FREE_BYTES);

    const full = await workgym(...args);
    expect(full.code).toBe(1);
    expect(full.stderr).not.toMatch(/\n\s+at /);
    expect(full.stderr).toMatch(
      /\nworkgym: cannot write .*: no space left on the disk \(ENOSPC\); the run keeps every episode appended before it: make room, then resume the run\nhint: free some space on that disk, then run the command again \(an interrupted rollout goes on with --resume\)\n$/,
    );
    expect(readdirSync(out).filter((name) => name.includes('.tmp-') || name === 'writer.lock')).toEqual([]);
    const stats = await workgym('data', 'stats', out, '--json');
    expect(stats.code, stats.stderr).toBe(0);
    const kept = (JSON.parse(stats.stdout) as { episodes: number }).episodes;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(6);

    rmSync(join(disk, 'filler'));
    const resumed = await workgym(...args, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`(${kept} were already there)`);
    expect((await workgym('data', 'verify', out)).code).toBe(0);
  }, 300_000);
});
