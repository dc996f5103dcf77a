import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { createRun, EpisodeRecordMessage, exportRun, openRun, resumeRun, toolsHash } from '../src/index.js';
import type { EpisodeRecord } from '../src/index.js';
import { currentSchema, FieldKind } from '../src/codec/record-schema.js';
import { fullEpisode } from './full-episode.js';
import { makeEpisode } from './make-episode.js';
import { tempDir } from './temp-dir.js';

/** Every field path of the schema that `value` leaves at its default. */
function defaultedFields(type: string, value: Record<string, unknown>, path = type): string[] {
  const out: string[] = [];
  for (const [name, kind, child] of currentSchema().types[type]!) {
    const v = value[name];
    const at = `${path}.${name}`;
    if (kind === FieldKind.Message) {
      if (v == null) out.push(at);
      else out.push(...defaultedFields(child!, v as Record<string, unknown>, at));
    } else if (kind === FieldKind.RepeatedMessage) {
      // A field is covered when any item sets it.
      const items = v as Record<string, unknown>[] | undefined;
      if (!items?.length) out.push(at);
      else {
        const each = items.map((item) => new Set(defaultedFields(child!, item, `${at}[]`)));
        out.push(...[...each[0]!].filter((f) => each.every((set) => set.has(f))));
      }
    } else if (kind === FieldKind.Map) {
      if (!v || Object.keys(v).length === 0) out.push(at);
    } else if (v === undefined || v === null || v === '' || v === 0 || v === false) {
      out.push(at);
    }
  }
  return out;
}

async function storeAndReadBack(record: EpisodeRecord): Promise<{ read: EpisodeRecord; dir: string }> {
  const dir = join(tempDir(), 'run');
  const writer = await createRun(dir);
  await writer.append(record);
  await writer.finalize();
  const reader = await openRun(dir);
  const read = await reader.get(record.episodeId!);
  await reader.close();
  return { read: read!, dir };
}

describe('episode records', () => {
  it('the full fixture sets every field of the schema (so the round trips below cover them all)', () => {
    const record = fullEpisode([{ sha256: 'a'.repeat(64), size: 1 }]);
    // toolsHash is filled in by the store.
    expect(defaultedFields('EpisodeRecord', record as Record<string, unknown>)).toEqual(['EpisodeRecord.toolsHash']);
  });

  it('come back from the store with every field as written', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const shot = await writer.putBlob(Buffer.from('\x89PNG fake screenshot'));
    const record = fullEpisode([{ sha256: shot, size: 20 }]);
    await writer.append(record);
    await writer.finalize();

    await using reader = await openRun(dir);
    const read = await reader.get(record.episodeId!);
    expect(read).toEqual({ ...record, toolsHash: toolsHash(record.tools!) });
    expect([...(await reader.blob(shot))]).toEqual([...Buffer.from('\x89PNG fake screenshot')]);
    const streamed: EpisodeRecord[] = [];
    for await (const r of reader.records()) streamed.push(r);
    expect(streamed).toEqual([read]);
  });

  it('keep absent optional fields absent and fill plain fields with proto3 defaults', async () => {
    const { read } = await storeAndReadBack({ episodeId: 'sparse', status: 'failure', agent: { kind: 'random', sampling: {} } });
    expect(read.selfEvaluation).toBeUndefined();
    expect(read.agent?.sampling?.temperature).toBeUndefined();
    expect(read.timings).toBeUndefined();
    expect(read).toMatchObject({ env: '', seed: 0, steps: [], rewardComponents: {}, success: false, attempts: 0, tools: [] });
  });

  it('round-trip through the delimited protobuf export, decoded from the .proto alone', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const records = [fullEpisode([]), makeEpisode({ seed: 3 }), makeEpisode({ seed: 4, logprobs: true })];
    for (const r of records) await writer.append(r);
    await writer.close();
    const out = join(dir, '..', 'episodes.pb');
    await exportRun(dir, { format: 'proto', out, includeTest: true });

    // A reader that never saw our generated code: load the .proto file, as Python would.
    const root = protobuf.loadSync(join(import.meta.dirname, '..', 'proto', 'episode.proto'));
    const type = root.lookupType('workgym.trajectories.v1.EpisodeRecord');
    const reader = protobuf.Reader.create(readFileSync(out));
    const decoded: Record<string, unknown>[] = [];
    while (reader.pos < reader.len) {
      decoded.push(type.toObject(type.decodeDelimited(reader), { longs: Number, defaults: true, arrays: true, objects: true }));
    }
    const byId = [...records].sort((a, b) => (a.episodeId! < b.episodeId! ? -1 : 1));
    expect(decoded.map((d) => d.episodeId)).toEqual(byId.map((r) => r.episodeId));
    const full = decoded.find((d) => d.episodeId === 'ep-full-1')!;
    expect(full).toMatchObject({
      ...fullEpisode([]),
      toolsHash: toolsHash(fullEpisode([]).tools!),
    } as Record<string, unknown>);

    // The generated module decodes the same bytes.
    const again = EpisodeRecordMessage.decodeDelimited(readFileSync(out));
    expect(again.episodeId).toBe(byId[0]!.episodeId);
  });

  it('read from Python by the workgym package (python/), its classes generated from the .proto', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir);
    const records = [fullEpisode([]), makeEpisode({ seed: 3, status: 'failure', reward: 0.25 }), makeEpisode({ seed: 4, steps: 3 })];
    for (const r of records) await writer.append(r);
    await writer.close();
    const out = join(dir, '..', 'episodes.pb');
    await exportRun(dir, { format: 'proto', out, includeTest: true });

    const python = join(import.meta.dirname, '..', '..', 'python');
    execFileSync('bash', [join(python, 'generate.sh')]);
    // Debian's python3 (with python3-protobuf, installed by tools/scripts/setup.sh).
    const printed = execFileSync('/usr/bin/python3', ['-m', 'workgym.runs', out], {
      env: { ...process.env, PYTHONPATH: python, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    });
    const byId = [...records].sort((a, b) => (a.episodeId! < b.episodeId! ? -1 : 1));
    expect(printed.trim().split('\n')).toEqual(
      byId.map((r) => {
        const calls = (r.steps ?? []).flatMap((step) => (step.toolCalls ?? []).map((c) => c.name));
        // Python prints floats as repr(): 1.0, 0.25.
        const reward = Number.isInteger(r.finalReward) ? r.finalReward!.toFixed(1) : String(r.finalReward);
        return [r.episodeId, r.status, reward, r.steps?.length, calls.join(',')].join(' ');
      }),
    );
  });

  it('are listed by id when a run is resumed, and the resumed writer appends after them', async () => {
    const dir = join(tempDir(), 'run');
    const first = await createRun(dir);
    await first.append(makeEpisode({ seed: 1 }));
    await first.append(makeEpisode({ seed: 2 }));
    await first.close();

    const second = await resumeRun(dir);
    expect(second.episodeIds()).toEqual(['ep-000001', 'ep-000002']);
    expect(second.has('ep-000002')).toBe(true);
    await second.append(makeEpisode({ seed: 3 }));
    await second.finalize();

    await using reader = await openRun(dir);
    expect(reader.episodeIds()).toEqual(['ep-000001', 'ep-000002', 'ep-000003']);
    expect(reader.manifest.status).toBe('finalised');
    expect(reader.manifest.resumedAt).toHaveLength(1);
    expect(reader.manifest.counts).toEqual({ episodes: 3, steps: 6, byStatus: { success: 3 } });
  });

  it('spread over several shards when they pass the size limit, each sealed with its count and digest', async () => {
    const dir = join(tempDir(), 'run');
    const writer = await createRun(dir, { shardBytes: 20_000 });
    for (let i = 1; i <= 20; i++) await writer.append(makeEpisode({ seed: i }));
    await writer.finalize();
    await using reader = await openRun(dir);
    const shards = reader.shardTable.shards;
    expect(shards.length).toBeGreaterThan(3);
    expect(shards.every((s) => s.sealed && /^[0-9a-f]{64}$/.test(s.sha256!))).toBe(true);
    expect(shards.reduce((n, s) => n + s.records, 0)).toBe(20);
    expect((await reader.get('ep-000017'))?.seed).toBe(17);
  });
});
