import type { MsgpackWriter } from './msgpack-writer.js';
import { FieldKind } from './record-schema.js';
import type { FieldDescriptor, SchemaDescriptor } from './record-schema.js';
import { checkIdentifier } from './schema-names.js';

/**
 * Writes a record as msgpack of its positional tuple; `replace` holds the root fields the
 * encoder was compiled to take from it instead of the record (the writer swaps the tool
 * list for its blob's name).
 */
export type RecordEncoder = (record: object, w: MsgpackWriter, replace?: Record<string, unknown>) => void;

/**
 * Compiles, from the schema, one function per message type that walks a record and writes
 * the msgpack of its tuple straight into the writer: the bytes msgpackr writes for the
 * tuple (see RecordCodec.tuple), without building the tuple or dispatching on every
 * value's type. Absent fields get the tuple's defaults: proto3 zero values for scalars and
 * lists, undefined for messages and `optional` scalars; unknown keys are never looked at.
 * A value of an unexpected type is written as msgpackr would write it (`w.any`).
 */
export function compileEncoder(schema: SchemaDescriptor, replaced: readonly string[] = []): RecordEncoder {
  const fns: string[] = [];
  for (const [type, fields] of Object.entries(schema.types)) {
    checkIdentifier(type);
    const root = type === schema.root;
    const body = fields.map((field) => {
      const [name, , child] = field;
      checkIdentifier(name);
      if (child !== null) checkIdentifier(child);
      // Replaced fields are known when compiling: no per-record check for the others.
      return root && replaced.includes(name) ? `w.any(r.${name});` : `v = m.${name};\n  ${encodeField(field)}`;
    });
    fns.push(`function enc_${type}(m, w, r) {\n  let v;\n  w.arrayHeader(${fields.length});\n  ${body.join('\n  ')}\n}`);
  }
  checkIdentifier(schema.root);
  const source = `'use strict';\nconst hasOwn = Object.hasOwn;\nconst EMPTY_BYTES = new Uint8Array(0);\n${fns.join('\n')}\nreturn enc_${schema.root};`;
  return new Function(source)() as RecordEncoder;
}

function encodeField([, kind, child, scalar]: FieldDescriptor): string {
  switch (kind) {
    case FieldKind.Scalar:
      return `if (v == null) ${writeDefault(scalar)}; else ${writeScalar(scalar)}`;
    case FieldKind.Optional:
      return `if (v == null) w.undef(); else ${writeScalar(scalar)}`;
    case FieldKind.Message:
      return `if (v == null) w.undef(); else enc_${child}(v, w);`;
    case FieldKind.RepeatedScalar:
      return 'if (!Array.isArray(v)) w.byte(0x90); else { w.arrayHeader(v.length); for (let i = 0; i < v.length; i++) w.any(v[i]); }';
    case FieldKind.RepeatedMessage:
      // A hole was written as undefined by msgpackr; a null entry fails, as it always did.
      return (
        'if (!Array.isArray(v)) w.byte(0x90); else { w.arrayHeader(v.length); ' +
        `for (let i = 0; i < v.length; i++) { const e = v[i]; if (e === undefined) w.undef(); else enc_${child}(e, w); } }`
      );
    case FieldKind.Map:
      // msgpackr writes a plain object as map16 of its own enumerable keys.
      return (
        'if (v == null) { w.setMap16Count(w.map16(), 0); } ' +
        'else if (v.constructor === Object) { const at = w.map16(); let n = 0; ' +
        'for (const k in v) if (hasOwn(v, k)) { w.str(k); w.any(v[k]); n++; } w.setMap16Count(at, n); } ' +
        'else w.any(v);'
      );
  }
}

function writeScalar(scalar: string): string {
  switch (scalar) {
    case 'string':
      return `if (typeof v === 'string') w.str(v); else w.any(v);`;
    case 'bool':
      return 'if (v === true) w.byte(0xc3); else if (v === false) w.byte(0xc2); else w.any(v);';
    case 'bytes':
      return 'if (v instanceof Uint8Array) w.bin(v); else w.any(v);';
    default:
      return `if (typeof v === 'number') w.num(v); else w.any(v);`;
  }
}

/** What the tuple held for an absent scalar: '', false, an empty Uint8Array, 0. */
function writeDefault(scalar: string): string {
  switch (scalar) {
    case 'string':
      return 'w.byte(0xa0)';
    case 'bool':
      return 'w.byte(0xc2)';
    case 'bytes':
      return 'w.bin(EMPTY_BYTES)';
    default:
      return 'w.byte(0)';
  }
}
