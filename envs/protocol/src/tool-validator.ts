import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { ActionError } from './errors.js';
import type { ValidToolCall } from './environment.js';
import type { ToolCall, ToolSpec } from './messages.js';

/** Arguments larger than this are refused before they are parsed. */
export const MAX_ARGUMENT_BYTES = 1024 * 1024;

const ajv = new Ajv2020({ allErrors: false, strict: false });
const compiled = new Map<string, ValidateFunction>();

function compileSchema(parametersJson: string): ValidateFunction {
  let validate = compiled.get(parametersJson);
  if (!validate) {
    validate = ajv.compile(JSON.parse(parametersJson || '{}') as object);
    compiled.set(parametersJson, validate);
  }
  return validate;
}

/** Compiles a tool's schema; throws with the reason when it is not valid JSON Schema. */
export function checkToolSchema(spec: ToolSpec): void {
  compileSchema(spec.parametersJson ?? '');
}

/**
 * Turns a call as the model wrote it into a ValidToolCall, or throws the ActionError an agent
 * should see: unknown_tool, arguments_too_large or invalid_arguments.
 */
export function validateToolCall(call: ToolCall, tools: readonly ToolSpec[]): ValidToolCall {
  const spec = tools.find((t) => t.name === call.name);
  if (!spec) {
    const names = tools.map((t) => t.name).join(', ');
    throw new ActionError('unknown_tool', `no tool named ${JSON.stringify(call.name ?? '')}; tools: ${names}`);
  }
  const text = call.argumentsJson?.trim() || '{}';
  if (Buffer.byteLength(text) > MAX_ARGUMENT_BYTES) {
    throw new ActionError('arguments_too_large', `arguments of ${call.name} exceed ${MAX_ARGUMENT_BYTES} bytes`);
  }
  let args: unknown;
  try {
    args = JSON.parse(text);
  } catch (error) {
    throw new ActionError('invalid_arguments', `arguments of ${call.name} are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new ActionError('invalid_arguments', `arguments of ${call.name} must be a JSON object`);
  }
  const validate = compileSchema(spec.parametersJson ?? '');
  if (!validate(args)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '(arguments)'} ${e.message ?? 'is invalid'}`).join('; ');
    throw new ActionError('invalid_arguments', `arguments of ${call.name} do not match its schema: ${problems}`);
  }
  return { id: call.id ?? '', name: spec.name ?? '', arguments: args as Record<string, unknown> };
}
