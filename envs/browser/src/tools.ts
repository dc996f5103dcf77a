import { defineTools, z } from '@workgym/protocol/kit';

const MAX_TEXT = 10_000;
const MAX_KEYS = 500;

const id = z.number().int().min(1).describe('The element id shown in brackets in the latest observation, e.g. 12 for [12].');

/** The browser env's tools, defined once: JSON Schema for the model and the server, typed arguments for the session. */
export const TOOLS = defineTools({
  click: { description: 'Click an element (link, button, checkbox, option...) by its id.', args: z.strictObject({ id }) },
  fill: {
    description: 'Replace the content of a text field by its id with the given text.',
    args: z.strictObject({ id, text: z.string().max(MAX_TEXT).describe('The text the field should contain (replaces what is there).') }),
  },
  select: {
    description: 'Choose an option of a drop-down list (combobox) by its id and the option label.',
    args: z.strictObject({ id, option: z.string().min(1).max(500).describe('The visible label (or value) of the option to choose.') }),
  },
  press: {
    description: 'Press a key or a key combination in the focused element, or type characters into it one key at a time (Enter submits most forms).',
    args: z.strictObject({
      key: z
        .string()
        .min(1)
        .max(MAX_KEYS)
        .describe(
          'A key name (Enter, Tab, Escape, Backspace, Delete, Insert, ArrowUp, ArrowDown, ArrowLeft, ArrowRight, PageUp, PageDown, Home, End, Space, F1-F12), ' +
            'modifiers (Control, Shift, Alt, Meta) and a key or character joined by "+" (Control+A, Shift+Tab), ' +
            'or other characters, typed in order ("a", "hello"). Spell key names exactly as listed: a key name spelt otherwise ("enter", "Esc", "Ctrl+A") is refused, not typed.',
        ),
    }),
  },
  scroll: { description: 'Scroll the page.', args: z.strictObject({ direction: z.enum(['up', 'down', 'left', 'right']) }) },
  goto: {
    description: "Open a URL on one of the task's sites.",
    args: z.strictObject({ url: z.string().min(1).max(2_000).describe("An absolute URL on one of the task's sites, or a path relative to the current page.") }),
  },
  back: { description: 'Go back to the previous page.', args: z.strictObject({}) },
  answer: {
    description: 'Give the final answer to a question: ends the episode.',
    args: z.strictObject({ text: z.string().min(1).max(MAX_TEXT).describe('The answer to the question, as short as it allows.') }),
  },
  submit: { description: 'Declare the task done: ends the episode and checks the result.', args: z.strictObject({}) },
});

export type ToolName = (typeof TOOLS.names)[number];
