import type { ToolCall } from './messages.js';

/** A tool call as the wire carries it: the arguments as JSON text. */
export function toolCall(name: string, args: object = {}, id = 'c1'): ToolCall {
  return { id, name, argumentsJson: JSON.stringify(args) };
}
