import type { MsgpackReader } from './msgpack-reader.js';
import { FieldKind } from './record-schema.js';
import type { FieldDescriptor, SchemaDescriptor } from './record-schema.js';
import { checkIdentifier } from './schema-names.js';

/** Reads one record (msgpack of its positional tuple) from the reader, in the schema's shape. */
export type RecordDecoder = (r: MsgpackReader) => Record<string, unknown>;

/**
 * Compiles, from the schema, one function per message type that reads the msgpack of a
 * tuple straight into an object: the same object the tuple converters give for what
 * msgpackr reads (see RecordCodec), without the intermediate arrays. Fields past the end of
 * a shorter tuple come out as they did there (undefined; [] and {} for lists and maps), and
 * elements past the schema's fields are skipped. A message that is not an array, or bytes
 * that are not msgpack, fail with the field and byte position.
 */
export function compileDecoder(schema: SchemaDescriptor): RecordDecoder {
  const fns: string[] = [];
  for (const [type, fields] of Object.entries(schema.types)) {
    checkIdentifier(type);
    const props = fields.map((field, i) => {
      checkIdentifier(field[0]);
      if (field[2] !== null) checkIdentifier(field[2]);
      const [read, absent] = decodeField(field, `${type}.${field[0]}`);
      return `${field[0]}: n > ${i} ? ${read} : ${absent}`;
    });
    fns.push(
      `function dec_${type}(r, what) {\n  const n = r.array(what);\n  const o = {\n    ${props.join(',\n    ')}\n  };\n` +
        `  for (let i = ${fields.length}; i < n; i++) r.any();\n  return o;\n}`,
      `function list_${type}(r, what) {\n  const n = r.array(what);\n  const out = [];\n` +
        `  for (let i = 0; i < n; i++) out.push(dec_${type}(r, what));\n  return out;\n}`,
    );
  }
  checkIdentifier(schema.root);
  const source = `'use strict';\n${fns.join('\n')}\nreturn (r) => dec_${schema.root}(r, 'the record (${schema.root})');`;
  return new Function(source)() as RecordDecoder;
}

/** [how to read the field, what it is when the tuple ends before it] */
function decodeField([, kind, child, scalar]: FieldDescriptor, path: string): [string, string] {
  const what = JSON.stringify(`${path} (${child ?? scalar})`);
  switch (kind) {
    case FieldKind.Message:
      return [`r.nil() ? undefined : dec_${child}(r, ${what})`, 'undefined'];
    case FieldKind.RepeatedMessage:
      return [`r.nil() ? [] : list_${child}(r, ${what})`, '[]'];
    case FieldKind.RepeatedScalar:
      return ['r.nil() ? [] : r.any()', '[]'];
    case FieldKind.Map:
      return ['r.nil() ? {} : r.any()', '{}'];
    default:
      return [scalar === 'string' ? 'r.str()' : scalar === 'bool' ? 'r.bool()' : scalar === 'bytes' ? 'r.any()' : 'r.num()', 'undefined'];
  }
}
