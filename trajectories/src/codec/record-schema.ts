import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The record's shape, read from proto/episode.proto at load time so that the store's
 * encoding follows the one definition instead of a hand-kept copy. (This file is
 * `src/codec/` or `dist/codec/`, two levels below the package root and its `proto/`.)
 */
const PROTO_PATH = fileURLToPath(new URL('../../proto/episode.proto', import.meta.url));
const PACKAGE = 'workgym.trajectories.v1';

/** How a field is stored; numbers because they go into every shard's header. */
export const enum FieldKind {
  Scalar = 0,
  /** proto3 `optional` scalar: absent stays absent. */
  Optional = 1,
  Message = 2,
  RepeatedScalar = 3,
  RepeatedMessage = 4,
  Map = 5,
}

/** [field name, kind, message type name for Message/RepeatedMessage, proto scalar type] */
export type FieldDescriptor = [string, FieldKind, string | null, string];

/**
 * Every message type's fields in .proto order. A shard stores the schema it was written
 * with, so it stays readable after fields are added.
 */
export interface SchemaDescriptor {
  version: 1;
  root: string;
  types: Record<string, FieldDescriptor[]>;
}

let current: SchemaDescriptor | undefined;

export function currentSchema(): SchemaDescriptor {
  if (current) return current;
  const root = protobuf.loadSync(PROTO_PATH);
  root.resolveAll();
  const namespace = root.lookup(PACKAGE) as protobuf.Namespace;
  const types: Record<string, FieldDescriptor[]> = {};
  for (const type of namespace.nestedArray) {
    if (!(type instanceof protobuf.Type)) continue;
    types[type.name] = type.fieldsArray.map((field) => {
      const child = field.resolvedType instanceof protobuf.Type ? field.resolvedType.name : null;
      const kind = field.map
        ? FieldKind.Map
        : field.repeated
          ? child
            ? FieldKind.RepeatedMessage
            : FieldKind.RepeatedScalar
          : child
            ? FieldKind.Message
            : field.partOf
              ? FieldKind.Optional
              : FieldKind.Scalar;
      return [field.name, kind, child, field.type];
    });
  }
  current = { version: 1, root: 'EpisodeRecord', types };
  return current;
}
