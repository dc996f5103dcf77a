import type { ToolSpec } from '@workgym/protocol';
import { z } from 'zod';

export const MAX_TEXT = 10_000;
export const KEYS = ['Enter', 'Tab', 'Escape', 'Backspace', 'Delete', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown', 'Home', 'End', 'Space'] as const;

const id = z.number().int().min(1).describe('The element id shown in brackets in the latest observation, e.g. 12 for [12].');

/** The browser env's tools, defined once: zod for parsing, JSON Schema for the model and the server. */
export const TOOL_SCHEMAS = {
  click: z.strictObject({ id }),
  fill: z.strictObject({ id, text: z.string().max(MAX_TEXT).describe('The text the field should contain (replaces what is there).') }),
  select: z.strictObject({ id, option: z.string().min(1).max(500).describe('The visible label (or value) of the option to choose.') }),
  press: z.strictObject({ key: z.enum(KEYS).describe('The key to press in the focused element.') }),
  scroll: z.strictObject({ direction: z.enum(['up', 'down', 'left', 'right']) }),
  goto: z.strictObject({ url: z.string().min(1).max(2_000).describe("An absolute URL on one of the task's sites, or a path relative to the current page.") }),
  back: z.strictObject({}),
  answer: z.strictObject({ text: z.string().min(1).max(MAX_TEXT).describe('The answer to the question, as short as it allows.') }),
  submit: z.strictObject({}),
} as const;

export type ToolName = keyof typeof TOOL_SCHEMAS;
export type ToolArgs<N extends ToolName> = z.infer<(typeof TOOL_SCHEMAS)[N]>;

const DESCRIPTIONS: Record<ToolName, string> = {
  click: 'Click an element (link, button, checkbox, option...) by its id.',
  fill: 'Replace the content of a text field by its id with the given text.',
  select: 'Choose an option of a drop-down list (combobox) by its id and the option label.',
  press: 'Press a key in the focused element (Enter submits most forms).',
  scroll: 'Scroll the page.',
  goto: "Open a URL on one of the task's sites.",
  back: 'Go back to the previous page.',
  answer: 'Give the final answer to a question: ends the episode.',
  submit: 'Declare the task done: ends the episode and checks the result.',
};

export const ALL_TOOLS: readonly ToolSpec[] = (Object.keys(TOOL_SCHEMAS) as ToolName[]).map((name) => ({
  name,
  description: DESCRIPTIONS[name],
  parametersJson: JSON.stringify(z.toJSONSchema(TOOL_SCHEMAS[name])),
}));

/** Parses arguments the protocol server has already checked against the JSON Schema. */
export function parseArgs<N extends ToolName>(name: N, args: Record<string, unknown>): ToolArgs<N> {
  return TOOL_SCHEMAS[name].parse(args) as ToolArgs<N>;
}
