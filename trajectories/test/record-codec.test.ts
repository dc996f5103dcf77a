import { describe, expect, it } from 'vitest';
import { RecordCodec } from '../src/record-codec.js';
import { currentSchema } from '../src/record-schema.js';
import type { SchemaDescriptor } from '../src/record-schema.js';
import { fullEpisode } from './full-episode.js';

describe('RecordCodec', () => {
  it('reads records written under an older schema in the current shape', () => {
    const current = currentSchema();
    // The schema before observations had candidate actions.
    const older: SchemaDescriptor = {
      ...current,
      types: { ...current.types, Observation: current.types.Observation!.filter(([name]) => name !== 'candidates') },
    };
    const writer = new RecordCodec(older);
    const bytes = writer.pack(writer.tuple(fullEpisode([])));

    const read = RecordCodec.fromHeader(writer.headerJson).decode(bytes) as ReturnType<typeof fullEpisode>;
    expect(read.steps![0]!.observation!.candidates).toEqual([]);
    expect(read.steps![0]!.observation!.text).toBe(fullEpisode([]).steps![0]!.observation!.text);
    expect(read.agent).toEqual(fullEpisode([]).agent);
  });

  it('reads steps written before noise was marked as not injected, with no strategy', () => {
    const current = currentSchema();
    const older: SchemaDescriptor = {
      ...current,
      types: { ...current.types, Step: current.types.Step!.filter(([name]) => name !== 'injected' && name !== 'strategy') },
    };
    const writer = new RecordCodec(older);
    const read = RecordCodec.fromHeader(writer.headerJson).decode(Buffer.from(writer.encode(fullEpisode([])))) as ReturnType<typeof fullEpisode>;
    expect(read.steps!.map((s) => [s.injected, s.strategy])).toEqual(fullEpisode([]).steps!.map(() => [false, '']));
    const noisy = fullEpisode([]);
    noisy.steps![0]!.injected = true;
    noisy.steps![1]!.strategy = 'search';
    const now = RecordCodec.current();
    const back = now.decode(Buffer.from(now.encode(noisy))) as ReturnType<typeof fullEpisode>;
    expect([back.steps![0]!.injected, back.steps![1]!.strategy]).toEqual([true, 'search']);
  });

  it('stores no field names: a record is a tuple in .proto order', () => {
    const codec = RecordCodec.current();
    const tuple = codec.tuple({ episodeId: 'e', status: 'success', unknownField: 'dropped' });
    expect(tuple[1]).toBe('e');
    expect(tuple).toHaveLength(currentSchema().types.EpisodeRecord!.length);
    expect(codec.pack(tuple).includes(Buffer.from('episodeId'))).toBe(false);
  });
});
