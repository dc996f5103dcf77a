import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import { FRAME_HEADER_BYTES } from './frame.js';
import { currentSchema, FieldKind } from './record-schema.js';
import type { SchemaDescriptor } from './record-schema.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Records are stored as msgpack of positional tuples: every message becomes an array of its
 * field values in .proto order, so no key is ever written and converting is a straight-line
 * function per message type, compiled once from the schema. Measured against msgpackr's
 * record structures on a 2-step episode: encode 9 µs vs 23 µs (JSON.stringify: 21 µs),
 * same size (bench/trajectories-store.ts). The schema goes into each shard's header.
 */
export class RecordCodec {
  readonly headerJson: string;
  /** Position of `tools` in the top-level tuple (the writer swaps it for a blob reference). */
  readonly toolsIndex: number;
  readonly toolsHashIndex: number;
  private readonly toTuple: (record: object) => unknown[];
  private readonly fromTuple: (tuple: unknown[]) => Record<string, unknown>;

  constructor(
    readonly schema: SchemaDescriptor,
    /** When set, decoded records are re-shaped to this (the current) schema. */
    private readonly upgradeTo?: RecordCodec,
  ) {
    this.headerJson = JSON.stringify(schema);
    const root = schema.types[schema.root]!;
    this.toolsIndex = root.findIndex(([name]) => name === 'tools');
    this.toolsHashIndex = root.findIndex(([name]) => name === 'toolsHash');
    this.toTuple = compile(schema, 'encode') as (record: object) => unknown[];
    this.fromTuple = compile(schema, 'decode') as (tuple: unknown[]) => Record<string, unknown>;
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

  pack(tuple: unknown[]): Buffer {
    return packr.pack(tuple);
  }

  /** The packed tuple after FRAME_HEADER_BYTES left free for the frame header. */
  packForFrame(tuple: unknown[]): Buffer {
    return packr.pack(tuple, RESERVE_START_SPACE | FRAME_HEADER_BYTES);
  }

  decode(payload: Uint8Array): Record<string, unknown> {
    const record = this.fromTuple(packr.unpack(payload) as unknown[]);
    return this.upgradeTo ? this.upgradeTo.fromTuple(this.upgradeTo.toTuple(record)) : record;
  }
}

const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });
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
        : `function dec_${type}(t) { return { ${parts.join(', ')} }; }`,
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

function check(name: string): void {
  if (!IDENTIFIER.test(name)) throw new Error(`schema name ${JSON.stringify(name)} is not an identifier`);
}
