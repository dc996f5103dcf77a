import { z } from 'zod';
import type { ToolSpec } from '../messages.js';

/**
 * One tool: what it does, for the model, and its arguments as a zod object whose fields carry
 * their own descriptions (`z.string().describe(...)`).
 */
export interface ToolDefinition {
  /** What the tool does, as the model reads it. */
  description: string;
  /** The arguments: `z.strictObject({...})`, each field with `.describe(...)`. */
  args: z.ZodObject;
}

type Definitions = Record<string, ToolDefinition>;

/** The parsed arguments of the tool `N` of a table defined from `T`. */
export type ToolArgs<T extends Definitions, N extends keyof T> = z.infer<T[N]['args']>;

/**
 * An env's tools, defined once: each tool's JSON Schema (what the model reads and the protocol
 * server checks calls against) and its typed argument parser come from the same zod object.
 */
export class ToolTable<T extends Definitions> {
  /** The tool names, in definition order. */
  readonly names: readonly (keyof T & string)[];
  /** Every tool, in definition order. */
  readonly specs: readonly ToolSpec[];
  private readonly byName: ReadonlyMap<string, ToolSpec>;

  constructor(private readonly definitions: T) {
    this.names = Object.keys(definitions);
    this.specs = this.names.map((name) => ({
      name,
      description: definitions[name]!.description,
      parametersJson: JSON.stringify(z.toJSONSchema(definitions[name]!.args)),
    }));
    this.byName = new Map(this.specs.map((spec) => [spec.name!, spec]));
  }

  /** Whether `name` is one of the table's tools. */
  has(name: string): name is keyof T & string {
    return this.byName.has(name);
  }

  /** The specs of `names`, in the order given (a session that offers some of the tools). */
  select(names: readonly (keyof T & string)[]): ToolSpec[] {
    return names.map((name) => this.byName.get(name)!);
  }

  /**
   * The arguments of a call to `name`, typed. The protocol server has already checked them
   * against the JSON Schema, so this only gives them their type (and zod's defaults).
   */
  parse<N extends keyof T & string>(name: N, args: Record<string, unknown>): ToolArgs<T, N> {
    return this.definitions[name]!.args.parse(args) as ToolArgs<T, N>;
  }
}

/**
 * Defines an env's tools: `defineTools({ bash: { description, args: z.strictObject({...}) } })`.
 * Write the schemas with the `z` this kit exports, so the JSON Schema conversion and the parser
 * are the same zod.
 */
export function defineTools<T extends Definitions>(definitions: T): ToolTable<T> {
  return new ToolTable(definitions);
}

export { z };
