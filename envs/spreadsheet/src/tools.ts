import type { ToolSpec } from '@workgym/protocol';
import { z } from 'zod';

const range = z.string().min(1).max(200).describe("An A1 range, optionally with a sheet: B2, A1:C10, Data!A1:D20, 'My sheet'!B:B.");
const cell = z.string().min(1).max(200).describe('One cell, optionally with a sheet: B2 or Data!B2.');
const sheet = z.string().min(1).max(100).describe('Sheet name.');
const count = z.number().int().min(1).max(1000).optional().describe('How many (default 1).');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The spreadsheet env's tools, defined once: zod for parsing, JSON Schema for the model. */
export const TOOL_SCHEMAS = {
  list_sheets: z.strictObject({}),
  read_range: z.strictObject({ range }),
  write_cells: z.strictObject({
    range: range.describe('Where to write: the top-left cell (B2) or the whole range the values fill.'),
    values: z
      .array(z.array(scalar))
      .min(1)
      .describe('Rows of values. A string starting with "=" is a formula; null clears a cell.'),
  }),
  set_formula: z.strictObject({
    cell,
    formula: z.string().min(1).describe('An Excel formula, with or without the leading "=", e.g. =SUM(B2:B10).'),
  }),
  fill: z.strictObject({
    source: cell.describe('The cell to copy (a formula moves its relative references, like dragging the fill handle).'),
    target: range.describe('The cells to fill, e.g. C3:C20.'),
  }),
  insert_rows: z.strictObject({ sheet, row: z.number().int().min(1).describe('New rows go before this row.'), count }),
  delete_rows: z.strictObject({ sheet, row: z.number().int().min(1).describe('First row to delete.'), count }),
  insert_columns: z.strictObject({ sheet, column: z.string().min(1).max(3).describe('New columns go before this column (letter).'), count }),
  delete_columns: z.strictObject({ sheet, column: z.string().min(1).max(3).describe('First column to delete (letter).'), count }),
  sort: z.strictObject({
    range: range.describe('The rows to sort (without the header row), e.g. Data!A2:D50.'),
    keys: z
      .array(z.strictObject({ column: z.string().min(1).max(3).describe('Column letter inside the range.'), order: z.enum(['asc', 'desc']).optional() }))
      .min(1)
      .max(5)
      .describe('Sort keys, most important first (order defaults to asc).'),
  }),
  create_sheet: z.strictObject({ name: sheet }),
  set_format: z.strictObject({
    range,
    number_format: z.string().max(100).optional().describe('Excel number format, e.g. 0.00, #,##0, yyyy-mm-dd, 0%.'),
    bold: z.boolean().optional(),
    fill_color: z.string().optional().describe('Background colour as #RRGGBB, or "none" to clear it.'),
  }),
  answer: z.strictObject({ text: z.string().min(1).max(2000).describe('Your answer, as short as the question allows.') }),
  submit: z.strictObject({}),
} as const;

export type ToolName = keyof typeof TOOL_SCHEMAS;
export type ToolArgs<N extends ToolName> = z.infer<(typeof TOOL_SCHEMAS)[N]>;

const DESCRIPTIONS: Record<ToolName, string> = {
  list_sheets: 'List the sheets with their used ranges.',
  read_range: 'Show the cells of a range: values, and formulas where there are any (at most 2,000 cells per call).',
  write_cells: 'Write a block of values or formulas (strings starting with "="), row by row from the top-left cell.',
  set_formula: 'Put a formula in one cell; the workbook recalculates at once.',
  fill: 'Copy a cell into a range as the fill handle does: relative references move, $-anchored ones stay.',
  insert_rows: 'Insert empty rows; formulas that point below them follow.',
  delete_rows: 'Delete rows; formulas that pointed into them show #REF!.',
  insert_columns: 'Insert empty columns; formulas that point to the right of them follow.',
  delete_columns: 'Delete columns; formulas that pointed into them show #REF!.',
  sort: 'Sort the rows of a range by one or more of its columns (numbers before text, empty cells last).',
  create_sheet: 'Add an empty sheet at the end of the workbook.',
  set_format: 'Set the number format, bold and/or background colour of every cell in a range.',
  answer: 'Give the final answer to the question: ends the episode and checks it.',
  submit: 'Finish the task: ends the episode and checks the workbook.',
};

export const TOOL_NAMES = Object.keys(TOOL_SCHEMAS) as ToolName[];

export function toolSpec(name: ToolName): ToolSpec {
  return { name, description: DESCRIPTIONS[name], parametersJson: JSON.stringify(z.toJSONSchema(TOOL_SCHEMAS[name])) };
}

export const ALL_TOOLS: readonly ToolSpec[] = TOOL_NAMES.map(toolSpec);

/** Parses arguments the protocol layer has already checked against the JSON Schema. */
export function parseArgs<N extends ToolName>(name: N, args: Record<string, unknown>): ToolArgs<N> {
  return TOOL_SCHEMAS[name].parse(args) as ToolArgs<N>;
}
