import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { RecordCodec } from '../src/codec/record-codec.js';
import { currentSchema, FieldKind } from '../src/codec/record-schema.js';
import type { SchemaDescriptor } from '../src/codec/record-schema.js';
import { fullEpisode } from './full-episode.js';
import { makeEpisode } from './make-episode.js';

/** The options every shard was written with, by msgpackr or by the hand-written encoder it replaced. */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/** A schema with one field of every kind and scalar type. */
const KINDS: SchemaDescriptor = {
  version: 1,
  root: 'All',
  types: {
    All: [
      ['s', FieldKind.Scalar, null, 'string'],
      ['d', FieldKind.Scalar, null, 'double'],
      ['i', FieldKind.Scalar, null, 'int64'],
      ['b', FieldKind.Scalar, null, 'bool'],
      ['raw', FieldKind.Scalar, null, 'bytes'],
      ['os', FieldKind.Optional, null, 'string'],
      ['child', FieldKind.Message, 'Child', ''],
      ['children', FieldKind.RepeatedMessage, 'Child', ''],
      ['names', FieldKind.RepeatedScalar, null, 'string'],
      ['weights', FieldKind.Map, null, 'double'],
    ],
    Child: [
      ['name', FieldKind.Scalar, null, 'string'],
      ['inner', FieldKind.RepeatedMessage, 'Child', ''],
    ],
  },
};

const codec = new RecordCodec(KINDS);

describe('RecordCodec', () => {
  it('round-trips every field kind', () => {
    const record = {
      s: 'héllo wörld — ✓ 🚀 日本語',
      d: 0.1,
      i: -1234567,
      b: true,
      raw: Buffer.from([0, 1, 2, 255]),
      os: '',
      child: { name: 'c', inner: [{ name: 'deep', inner: [] }] },
      children: [
        { name: 'a', inner: [] },
        { name: 'b', inner: [{ name: 'b1', inner: [] }] },
      ],
      names: ['x', 'ÿ', ''],
      weights: { correctness: 1, style: 0.25 },
    };
    const back = codec.decode(codec.encode(record));
    expect({ ...back, raw: Buffer.from(back.raw as Uint8Array) }).toEqual(record);
  });

  it('gives absent fields the tuple defaults and absent messages and optionals undefined', () => {
    expect(codec.decode(codec.encode({ unknown: 'ignored' }))).toEqual({
      s: '',
      d: 0,
      i: 0,
      b: false,
      raw: Buffer.alloc(0),
      os: undefined,
      child: undefined,
      children: [],
      names: [],
      weights: {},
    });
  });

  it('reads shards written before msgpackr wrote them: the same bytes, byte for byte', () => {
    // Written by the compiled encoder (removed): a 2-field Child tuple, ["c", []].
    const written = Buffer.from([0x92, 0xa1, 0x63, 0x90]);
    const child = new RecordCodec({ version: 1, root: 'Child', types: { Child: KINDS.types.Child! } });
    expect(child.encode({ name: 'c' }).equals(written)).toBe(true);
    expect(child.decode(written)).toEqual({ name: 'c', inner: [] });
  });

  it('reads tuples of another length: missing fields at their defaults, extra ones skipped', () => {
    expect(codec.decode(packr.pack(['only s']))).toMatchObject({ s: 'only s', d: undefined, children: [], weights: {}, child: undefined });
    expect(codec.decode(packr.pack([...codec.tuple({ s: 'x' }), 'extra', [1, 2]])).s).toBe('x');
  });

  it('reads records written under an older schema in the current shape', () => {
    const current = currentSchema();
    // The schema before observations had candidate actions.
    const older: SchemaDescriptor = {
      ...current,
      types: { ...current.types, Observation: current.types.Observation!.filter(([name]) => name !== 'candidates') },
    };
    const writer = new RecordCodec(older);
    const bytes = writer.encode(fullEpisode([]));

    const read = RecordCodec.fromHeader(writer.headerJson).decode(bytes) as ReturnType<typeof fullEpisode>;
    expect(read.steps![0]!.observation!.candidates).toEqual([]);
    expect(read.steps![0]!.observation!.text).toBe(fullEpisode([]).steps![0]!.observation!.text);
    expect(read.steps![0]!.toolCalls).toEqual(fullEpisode([]).steps![0]!.toolCalls);
    expect(read.agent).toEqual(fullEpisode([]).agent);
  });

  it('reads steps written before noise was marked as not injected, with no strategy', () => {
    const current = currentSchema();
    const older: SchemaDescriptor = {
      ...current,
      types: { ...current.types, Step: current.types.Step!.filter(([name]) => name !== 'injected' && name !== 'strategy') },
    };
    const writer = new RecordCodec(older);
    const read = RecordCodec.fromHeader(writer.headerJson).decode(writer.encode(fullEpisode([]))) as ReturnType<typeof fullEpisode>;
    expect(read.steps!.map((s) => [s.injected, s.strategy])).toEqual(fullEpisode([]).steps!.map(() => [false, '']));
    const noisy = fullEpisode([]);
    noisy.steps![0]!.injected = true;
    noisy.steps![1]!.strategy = 'search';
    const now = RecordCodec.current();
    const back = now.decode(now.encode(noisy)) as ReturnType<typeof fullEpisode>;
    expect([back.steps![0]!.injected, back.steps![1]!.strategy]).toEqual([true, 'search']);
  });

  it('stores no field names: a record is a tuple in .proto order', () => {
    const current = RecordCodec.current();
    const tuple = current.tuple({ episodeId: 'e', status: 'success', unknownField: 'dropped' });
    expect(tuple[1]).toBe('e');
    expect(tuple).toHaveLength(currentSchema().types.EpisodeRecord!.length);
    expect(current.encode({ episodeId: 'e', status: 'success' }).includes(Buffer.from('episodeId'))).toBe(false);
  });

  it('writes the root fields it is told to replace as given', () => {
    const current = RecordCodec.current();
    const episode = makeEpisode({ seed: 3, steps: 3 });
    const back = current.decode(current.encode(episode, { tools: undefined, toolsHash: 'f'.repeat(64) }));
    expect(back).toMatchObject({ ...episode, tools: [], toolsHash: 'f'.repeat(64) });
  });

  it('refuses a schema whose names are not identifiers (a shard header is data, compiled into code)', () => {
    const evil = (child: string): SchemaDescriptor => ({ version: 1, root: 'R', types: { R: [['x', FieldKind.Message, child, '']] } });
    expect(() => new RecordCodec(evil('R(); globalThis.pwned = 1; //'))).toThrow(/not an identifier/);
    expect(() => new RecordCodec(evil('__proto__'))).toThrow(/not an identifier/);
  });

  it('fails on payloads that are not a record instead of returning garbage', () => {
    const current = RecordCodec.current();
    const bytes = current.encode(makeEpisode({ seed: 1 }));
    const decode = (b: Buffer) => () => current.decode(b);
    expect(decode(bytes.subarray(0, bytes.length - 5))).toThrow(/end of/i);
    expect(decode(Buffer.concat([bytes, Buffer.from([1])]))).toThrow(/end of buffer not reached/);
    expect(decode(Buffer.from([0xa3, 0x61, 0x62, 0x63]))).toThrow(/EpisodeRecord is not an array/);
    const notAMessage = packr.pack([...current.tuple({}).slice(0, 11), 'not an agent']);
    expect(decode(notAMessage)).toThrow(/Agent is not an array/);
    expect(decode(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x00]))).toThrow(/end of/i);
  });
});
