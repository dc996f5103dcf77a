import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The record's shape, read from proto/episode.proto at load time so that normalising and
 * the msgpack record structures follow the one definition instead of a hand-kept copy.
 * (`src/` and `dist/` both sit one level below the package root, next to `proto/`.)
 */
const PROTO_PATH = fileURLToPath(new URL('../proto/episode.proto', import.meta.url));
const PACKAGE = 'workgym.trajectories.v1';

const enum Kind {
  Scalar,
  Optional,
  Message,
  RepeatedScalar,
  RepeatedMessage,
  Map,
}

interface FieldPlan {
  name: string;
  kind: Kind;
  fallback: unknown;
  child: MessagePlan | undefined;
}

export interface MessagePlan {
  name: string;
  fields: FieldPlan[];
}

let root: protobuf.Root | undefined;
const plans = new Map<string, MessagePlan>();

function loadRoot(): protobuf.Root {
  if (!root) {
    root = protobuf.loadSync(PROTO_PATH);
    root.resolveAll();
  }
  return root;
}

/**
 * A flat plan of a message type (built once): walking it is several times faster than
 * walking protobufjs reflection objects on every record.
 */
export function messagePlan(name = 'EpisodeRecord'): MessagePlan {
  let plan = plans.get(name);
  if (plan) return plan;
  const type = loadRoot().lookupType(`${PACKAGE}.${name}`);
  plan = { name, fields: [] };
  plans.set(name, plan);
  for (const field of type.fieldsArray) {
    const child = field.resolvedType instanceof protobuf.Type ? messagePlan(field.resolvedType.name) : undefined;
    const kind = field.map
      ? Kind.Map
      : field.repeated
        ? child
          ? Kind.RepeatedMessage
          : Kind.RepeatedScalar
        : child
          ? Kind.Message
          : field.partOf
            ? Kind.Optional
            : Kind.Scalar;
    plan.fields.push({ name: field.name, kind, fallback: scalarDefault(field.type), child });
  }
  return plan;
}

/**
 * A copy of `message` with every field of the plan present, in .proto order: proto3
 * defaults for absent scalars, repeated and map fields; `undefined` for absent sub-messages
 * and for `optional` scalars (whose absence means something). Unknown keys are dropped.
 */
export function normalizeMessage(plan: MessagePlan, message: object | null | undefined): Record<string, unknown> {
  const source = (message ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of plan.fields) {
    const value = source[field.name];
    switch (field.kind) {
      case Kind.Scalar:
        out[field.name] = value ?? field.fallback;
        break;
      case Kind.Optional:
        out[field.name] = value ?? undefined;
        break;
      case Kind.Message:
        out[field.name] = value == null ? undefined : normalizeMessage(field.child!, value as object);
        break;
      case Kind.RepeatedScalar:
        out[field.name] = Array.isArray(value) ? value.slice() : [];
        break;
      case Kind.RepeatedMessage: {
        const items = Array.isArray(value) ? value : [];
        const copy = new Array<unknown>(items.length);
        for (let i = 0; i < items.length; i++) copy[i] = normalizeMessage(field.child!, items[i] as object);
        out[field.name] = copy;
        break;
      }
      case Kind.Map:
        out[field.name] = value && typeof value === 'object' ? { ...(value as object) } : {};
        break;
    }
  }
  return out;
}

function scalarDefault(type: string): unknown {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return new Uint8Array(0);
  return 0;
}

/** Key lists of every message type, in .proto order: the msgpack record structures. */
export function messageStructures(): string[][] {
  const namespace = loadRoot().lookup(PACKAGE) as protobuf.Namespace;
  const types = namespace.nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);
  // EpisodeRecord first so the most used shapes get the lowest ids.
  types.sort((a, b) => Number(b.name === 'EpisodeRecord') - Number(a.name === 'EpisodeRecord'));
  return types.map((t) => t.fieldsArray.map((f) => f.name));
}
