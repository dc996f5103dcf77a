// Names for the messages generated from proto/workgym.proto. Each is an alias of a generated type,
// never a hand-written copy: change the .proto and these follow.
import { workgym } from './gen/workgym.js';

export const wire = workgym.v1;
export const PROTOCOL_VERSION = 1;

/** Messages as a sender writes them (every field optional). */
export type Request = workgym.v1.Request.$Properties;
export type Response = workgym.v1.Response.$Properties;
export type TaskFamily = workgym.v1.TaskFamily.$Properties;
export type Task = workgym.v1.Task.$Properties;
export type ResetRequest = workgym.v1.ResetRequest.$Properties;
export type PersonReplyRequest = workgym.v1.PersonReplyRequest.$Properties;
export type ToolSpec = workgym.v1.ToolSpec.$Properties;
export type ToolCall = workgym.v1.ToolCall.$Properties;
export type Image = workgym.v1.Image.$Properties;
export type Observation = workgym.v1.Observation.$Properties;
export type Verdict = workgym.v1.Verdict.$Properties;
export type ActionErrorInfo = workgym.v1.ActionError.$Properties;
export type Derivation = workgym.v1.Derivation.$Properties;

/**
 * A message as a receiver gets it: protobufjs fills in proto3 defaults, so scalars and lists are
 * always present; a nested message is null when the sender left it out.
 */
export type Decoded<T> = {
  [K in keyof T as K extends `$${string}` ? never : K]-?: DecodedField<Exclude<T[K], undefined | null>>;
};
type Leaf = string | number | boolean | Uint8Array;
type DecodedField<V> = V extends Leaf ? V : V extends readonly (infer E)[] ? (E extends Leaf ? E[] : Decoded<E>[]) : Decoded<V> | null;

export type HelloReply = Decoded<workgym.v1.HelloResponse.$Properties>;
export type ListTasksReply = Decoded<workgym.v1.ListTasksResponse.$Properties>;
export type ResetReply = Decoded<workgym.v1.ResetResponse.$Properties>;
export type StepReply = Decoded<workgym.v1.StepResponse.$Properties>;
export type ExpertReply = Decoded<workgym.v1.ExpertResponse.$Properties>;
export type DecodedResponse = Decoded<workgym.v1.Response.$Properties>;
export type DecodedTaskFamily = Decoded<TaskFamily>;
export type DecodedToolCall = Decoded<ToolCall>;
export type DecodedObservation = Decoded<Observation>;

/** The calls a Request can carry. */
export type CallName = NonNullable<Request['call']>;

/** Error kinds an ActionError carries; envs may add their own. */
export const ACTION_ERROR_KINDS = [
  'unknown_tool',
  'invalid_arguments',
  'no_tool_call',
  'arguments_too_large',
  'stale_element',
  'no_such_element',
  'not_visible',
  'not_interactable',
  'navigation_blocked',
  'timeout',
  'out_of_bounds',
  'not_found',
  'failed',
] as const;
export type ActionErrorKind = (typeof ACTION_ERROR_KINDS)[number];
