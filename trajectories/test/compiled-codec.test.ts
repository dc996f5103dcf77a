import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { MsgpackFormatError } from '../src/msgpack-reader.js';
import { RecordCodec } from '../src/record-codec.js';
import { currentSchema, FieldKind } from '../src/record-schema.js';
import type { SchemaDescriptor } from '../src/record-schema.js';
import { fullEpisode } from './full-episode.js';
import { makeEpisode } from './make-episode.js';

/** The options the store's msgpackr used before the compiled codec: its bytes are the reference. */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/** A schema with one field of every kind and scalar type the compiler handles. */
const KINDS: SchemaDescriptor = {
  version: 1,
  root: 'All',
  types: {
    All: [
      ['s', FieldKind.Scalar, null, 'string'],
      ['d', FieldKind.Scalar, null, 'double'],
      ['i', FieldKind.Scalar, null, 'int64'],
      ['u', FieldKind.Scalar, null, 'uint32'],
      ['b', FieldKind.Scalar, null, 'bool'],
      ['raw', FieldKind.Scalar, null, 'bytes'],
      ['os', FieldKind.Optional, null, 'string'],
      ['od', FieldKind.Optional, null, 'double'],
      ['child', FieldKind.Message, 'Child', ''],
      ['children', FieldKind.RepeatedMessage, 'Child', ''],
      ['names', FieldKind.RepeatedScalar, null, 'string'],
      ['nums', FieldKind.RepeatedScalar, null, 'double'],
      ['weights', FieldKind.Map, null, 'double'],
    ],
    Child: [
      ['name', FieldKind.Scalar, null, 'string'],
      ['inner', FieldKind.RepeatedMessage, 'Child', ''],
    ],
  },
};

const codec = new RecordCodec(KINDS);

/** Encodes with the compiled encoder; checks the bytes are msgpackr's for the tuple; decodes. */
function roundTrip(record: object): Record<string, unknown> {
  const bytes = Buffer.from(codec.encode(record));
  expect(bytes.equals(codec.pack(codec.tuple(record)))).toBe(true);
  expect(packr.unpack(bytes)).toEqual(asRead(codec.tuple(record)));
  return codec.decode(bytes);
}

/** A tuple as msgpack readers give it back: bytes as Buffers, -0 as 0 (msgpackr writes it as an integer). */
function asRead(tuple: unknown[]): unknown[] {
  return tuple.map((v) => (v instanceof Uint8Array ? Buffer.from(v) : Array.isArray(v) ? asRead(v) : Object.is(v, -0) ? 0 : v));
}

describe('compiled record encoder and decoder', () => {
  it('round-trip every field kind, with the bytes msgpackr writes for the tuple', () => {
    const record = {
      s: 'héllo wörld — ✓ 🚀 日本語',
      d: 0.1,
      i: -1234567,
      u: 4_000_000_000,
      b: true,
      raw: Buffer.from([0, 1, 2, 255]),
      os: '',
      od: -0.5,
      child: { name: 'c', inner: [{ name: 'deep', inner: [] }] },
      children: [{ name: 'a', inner: [] }, { name: 'b', inner: [{ name: 'b1', inner: [] }] }],
      names: ['x', 'ÿ', ''],
      nums: [1, -1, 2.5, 2 ** 53],
      weights: { correctness: 1, style: 0.25 },
    };
    const back = roundTrip(record);
    expect({ ...back, raw: Buffer.from(back.raw as Uint8Array) }).toEqual(record);
  });

  it('gives absent fields the tuple defaults and absent messages and optionals undefined', () => {
    const back = roundTrip({ unknown: 'ignored' });
    expect(back).toEqual({
      s: '',
      d: 0,
      i: 0,
      u: 0,
      b: false,
      raw: Buffer.alloc(0),
      os: undefined,
      od: undefined,
      child: undefined,
      children: [],
      names: [],
      nums: [],
      weights: {},
    });
    expect(roundTrip({ s: null, child: null, os: null, children: null }).child).toBeUndefined();
  });

  it('writes numbers as msgpackr does: ints by size and sign, float64 otherwise', () => {
    const numbers = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, 0.5, -0.25, 1e300, -0, Number.MAX_SAFE_INTEGER, NaN, Infinity];
    for (const d of numbers) {
      const back = roundTrip({ d, nums: [d] });
      expect(back.d).toEqual(Object.is(d, -0) ? 0 : d);
    }
  });

  it('writes strings of every header size, ASCII and not, and lone surrogates as msgpackr does', () => {
    for (const n of [0, 1, 31, 32, 63, 64, 65, 255, 256, 65535, 65536, 100_000]) {
      for (const unit of ['a', 'é', '✓', '🚀']) {
        const s = unit.repeat(Math.ceil(n / unit.length));
        expect(roundTrip({ s }).s).toBe(s);
      }
    }
    // A lone surrogate has no UTF-8: both write U+FFFD.
    const lone = { s: 'a\ud800b' };
    expect(Buffer.from(codec.encode(lone)).equals(codec.pack(codec.tuple(lone)))).toBe(true);
    expect(codec.decode(Buffer.from(codec.encode(lone))).s).toBe('a\ufffdb');
  });

  it('round-trips large bytes (bin 8, 16 and 32)', () => {
    for (const n of [0, 255, 256, 65535, 65536, 70_000]) {
      const raw = Buffer.alloc(n, 7);
      if (n > 0) raw[n - 1] = 9;
      expect(Buffer.from(roundTrip({ raw }).raw as Uint8Array).equals(raw)).toBe(true);
    }
  });

  it('writes values of unexpected types as msgpackr would, and reads them back as such', () => {
    const record = { s: 42, d: 'not a number', b: 'yes', raw: 'text', names: [null, undefined, 1], weights: { x: 'y' } };
    const back = roundTrip(record);
    expect(back).toMatchObject({ s: 42, d: 'not a number', b: 'yes', raw: 'text', names: [null, undefined, 1], weights: { x: 'y' } });
  });

  it('encodes real records to exactly the bytes of msgpackr, and both decoders agree', () => {
    const episodes = [fullEpisode([{ sha256: 'a'.repeat(64), size: 10 }]), makeEpisode({ seed: 3, steps: 30, logprobs: true })];
    const current = RecordCodec.current();
    for (const episode of episodes) {
      const bytes = Buffer.from(current.encode(episode, { tools: undefined, toolsHash: 'f'.repeat(64) }));
      const tuple = current.tuple(episode);
      tuple[currentSchema().types.EpisodeRecord!.findIndex(([n]) => n === 'tools')] = undefined;
      tuple[currentSchema().types.EpisodeRecord!.findIndex(([n]) => n === 'toolsHash')] = 'f'.repeat(64);
      expect(bytes.equals(packr.pack(tuple))).toBe(true);
      // Shards written by msgpackr (every shard before the compiled codec) read the same.
      expect(current.decode(packr.pack(tuple))).toEqual(current.decode(bytes));
      expect(current.decode(bytes)).toMatchObject({ ...episode, tools: [], toolsHash: 'f'.repeat(64) });
    }
  });

  it('reads tuples of another length: missing fields as the tuple converters gave them, extra ones skipped', () => {
    const short = packr.pack(['only s']);
    expect(codec.decode(short)).toMatchObject({ s: 'only s', d: undefined, children: [], weights: {}, child: undefined });
    const long = packr.pack([...codec.tuple({ s: 'x' }), 'extra', [1, 2]]);
    expect(codec.decode(long).s).toBe('x');
  });

  it('reads an older schema through fromHeader in the current shape', () => {
    const current = currentSchema();
    const older: SchemaDescriptor = {
      ...current,
      types: { ...current.types, Observation: current.types.Observation!.filter(([name]) => name !== 'candidates') },
    };
    const writer = new RecordCodec(older);
    const bytes = Buffer.from(writer.encode(fullEpisode([])));
    expect(bytes.equals(writer.pack(writer.tuple(fullEpisode([]))))).toBe(true);
    const read = RecordCodec.fromHeader(writer.headerJson).decode(bytes) as ReturnType<typeof fullEpisode>;
    expect(read.steps![0]!.observation!.candidates).toEqual([]);
    expect(read.steps![0]!.toolCalls).toEqual(fullEpisode([]).steps![0]!.toolCalls);
  });

  it('refuses a schema whose names are not identifiers (a shard header is data, compiled into code)', () => {
    const evil = (child: string): SchemaDescriptor => ({ version: 1, root: 'R', types: { R: [['x', FieldKind.Message, child, '']] } });
    expect(() => new RecordCodec(evil('R(); globalThis.pwned = 1; //'))).toThrow(/not an identifier/);
    expect(() => new RecordCodec(evil('__proto__'))).toThrow(/not an identifier/);
  });

  it('fails with where and why on damaged payloads instead of returning garbage', () => {
    const bytes = Buffer.from(RecordCodec.current().encode(makeEpisode({ seed: 1 })));
    const decode = (b: Buffer) => () => RecordCodec.current().decode(b);
    expect(decode(bytes.subarray(0, bytes.length - 5))).toThrow(/ends early.*at byte/);
    expect(decode(Buffer.concat([bytes, Buffer.from([1])]))).toThrow(/1 bytes left after the record/);
    expect(decode(Buffer.from([0xc1]))).toThrow(MsgpackFormatError);
    expect(decode(Buffer.from([0xa3, 0x61]))).toThrow(/the record \(EpisodeRecord\) expected/);
    const notAMessage = packr.pack([...RecordCodec.current().tuple({}).slice(0, 11), 'not an agent']);
    expect(decode(notAMessage)).toThrow(/EpisodeRecord\.agent \(Agent\) expected, found byte 0xac/);
    const hugeCount = Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x00]);
    expect(decode(hugeCount)).toThrow(/cannot fit/);
    const badByte = Buffer.from(bytes);
    badByte[3] = 0xc1; // the first field's header (after the array16 header)
    expect(decode(badByte)).toThrow(/0xc1 is not msgpack/);
  });
});
