import { Packr, Unpackr } from 'msgpackr';
import { currentSchema, FieldKind } from './record-schema.js';
import type { SchemaDescriptor } from './record-schema.js';
import { checkIdentifier as check } from './schema-names.js';

/**
 * Records are stored as msgpack of positional tuples: every message becomes an array of its
 * field values in .proto order, so no key is ever written. The schema goes into each
 * shard's header. The tuple converters are compiled once per schema into straight-line
 * functions; msgpackr writes and reads the bytes. (A hand-written msgpack encoder and
 * decoder compiled from the schema wrote the same bytes; it was removed because it did not
 * make durable writes or reads 1.3x faster end to end: see docs/trajectories.md.)
 */
export class RecordCodec {
  readonly headerJson: string;
  private readonly toTuple: (record: object) => unknown[];
  private readonly fromTuple: (tuple: unknown) => Record<string, unknown>;
  /** Root field name -> its place in the tuple. */
  private readonly rootIndex: Map<string, number>;

  constructor(
    readonly schema: SchemaDescriptor,
    /** When set, decoded records are re-shaped to this (the current) schema. */
    private readonly upgradeTo?: RecordCodec,
  ) {
    this.headerJson = JSON.stringify(schema);
    this.toTuple = compile(schema, 'encode') as (record: object) => unknown[];
    this.fromTuple = compile(schema, 'decode') as (tuple: unknown) => Record<string, unknown>;
    this.rootIndex = new Map(schema.types[schema.root]!.map(([name], i) => [name, i]));
  }

  static current(): RecordCodec {
    currentCodec ??= new RecordCodec(currentSchema());
    return currentCodec;
  }

  /**
   * The codec a shard was written with. Records of a shard written under an older schema
   * come out in the current shape (fields added since get their defaults).
   */
  static fromHeader(json: string): RecordCodec {
    let codec = byHeader.get(json);
    if (!codec) {
      const current = RecordCodec.current();
      codec = json === current.headerJson ? current : new RecordCodec(JSON.parse(json) as SchemaDescriptor, current);
      byHeader.set(json, codec);
    }
    return codec;
  }

  /**
   * The record as a tuple: every field present, proto3 defaults for absent scalars and
   * lists, undefined for absent messages and `optional` scalars; unknown keys dropped.
   */
  tuple(record: object): unknown[] {
    return this.toTuple(record);
  }

  /** The msgpack of the record's tuple, with the root fields in `replace` written as given instead. */
  encode(record: object, replace?: Record<string, unknown>): Buffer {
    const tuple = this.toTuple(record);
    if (replace) {
      for (const [name, value] of Object.entries(replace)) {
        const at = this.rootIndex.get(name);
        if (at === undefined) throw new Error(`${this.schema.root} has no field ${name}`);
        tuple[at] = value;
      }
    }
    return packr.pack(tuple);
  }

  /** The record in a payload; throws when the bytes are not msgpack of one tuple. */
  decode(payload: Buffer): Record<string, unknown> {
    const record = this.fromTuple(unpackr.unpack(payload));
    return this.upgradeTo ? this.upgradeTo.fromTuple(this.upgradeTo.toTuple(record)) : record;
  }
}

/** The options every shard was written with (an absent message or optional is fixext1 type 0: undefined). */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, moreTypes: false });
let currentCodec: RecordCodec | undefined;
const byHeader = new Map<string, RecordCodec>();

/** Straight-line converters, one function per message type, built from the schema. */
function compile(schema: SchemaDescriptor, direction: 'encode' | 'decode'): unknown {
  const fns: string[] = [];
  for (const [type, fields] of Object.entries(schema.types)) {
    check(type);
    const parts = fields.map(([name, kind, child, scalar], i) => {
      check(name);
      if (child) check(child);
      return direction === 'encode' ? encodeField(`m.${name}`, kind, child, scalar) : `${name}: ${decodeField(`t[${i}]`, kind, child)}`;
    });
    fns.push(
      direction === 'encode'
        ? `function enc_${type}(m) { return [${parts.join(', ')}]; }`
        : `function dec_${type}(t) { if (!Array.isArray(t)) throw new TypeError('${type} is not an array'); return { ${parts.join(', ')} }; }`,
    );
  }
  const entry = `${direction === 'encode' ? 'enc' : 'dec'}_${schema.root}`;
  check(schema.root);
  return new Function(`'use strict';\n${fns.join('\n')}\nreturn ${entry};`)();
}

function encodeField(v: string, kind: FieldKind, child: string | null, scalar: string): string {
  switch (kind) {
    case FieldKind.Scalar:
      return `${v} ?? ${scalar === 'string' ? "''" : scalar === 'bool' ? 'false' : scalar === 'bytes' ? 'new Uint8Array(0)' : '0'}`;
    case FieldKind.Optional:
      return `${v} ?? undefined`;
    case FieldKind.Message:
      return `${v} == null ? undefined : enc_${child}(${v})`;
    case FieldKind.RepeatedScalar:
      return `Array.isArray(${v}) ? ${v} : []`;
    case FieldKind.RepeatedMessage:
      return `Array.isArray(${v}) ? ${v}.map(enc_${child}) : []`;
    case FieldKind.Map:
      return `${v} ?? {}`;
  }
}

function decodeField(v: string, kind: FieldKind, child: string | null): string {
  switch (kind) {
    case FieldKind.Message:
      return `${v} == null ? undefined : dec_${child}(${v})`;
    case FieldKind.RepeatedMessage:
      return `${v} == null ? [] : ${v}.map(dec_${child})`;
    case FieldKind.RepeatedScalar:
      return `${v} ?? []`;
    case FieldKind.Map:
      return `${v} ?? {}`;
    default:
      return v;
  }
}
