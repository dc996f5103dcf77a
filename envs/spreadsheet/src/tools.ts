import { defineTools, z } from '@workgym/protocol/kit';

const range = z.string().min(1).max(200).describe("An A1 range, optionally with a sheet: B2, A1:C10, Data!A1:D20, 'My sheet'!B:B.");
const cell = z.string().min(1).max(200).describe('One cell, optionally with a sheet: B2 or Data!B2.');
const sheet = z.string().min(1).max(100).describe('Sheet name.');
const count = z.number().int().min(1).max(1000).optional().describe('How many (default 1).');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The spreadsheet env's tools, defined once: JSON Schema for the model and the server, typed arguments for the editor. */
export const TOOLS = defineTools({
  list_sheets: { description: 'List the sheets with their used ranges.', args: z.strictObject({}) },
  read_range: {
    description: 'Show the cells of a range: values, and formulas where there are any (at most 2,000 cells per call).',
    args: z.strictObject({ range }),
  },
  write_cells: {
    description: 'Write a block of values or formulas (strings starting with "="), row by row from the top-left cell.',
    args: z.strictObject({
      range: range.describe('Where to write: the top-left cell (B2) or the whole range the values fill.'),
      values: z
        .array(z.array(scalar))
        .min(1)
        .describe(
          'Rows of values. A string starting with "=" is a formula; a string that reads as a number is stored as that number, as typing it would, unless it starts with an apostrophe ("\'00123" stores the text 00123); null clears a cell.',
        ),
    }),
  },
  set_formula: {
    description: 'Put a formula in one cell; the workbook recalculates at once.',
    args: z.strictObject({
      cell,
      formula: z.string().min(1).describe('An Excel formula, with or without the leading "=", e.g. =SUM(B2:B10).'),
    }),
  },
  fill: {
    description: 'Copy a cell into a range as the fill handle does: relative references move, $-anchored ones stay.',
    args: z.strictObject({
      source: cell.describe('The cell to copy (a formula moves its relative references, like dragging the fill handle).'),
      target: range.describe('The cells to fill, e.g. C3:C20.'),
    }),
  },
  insert_rows: {
    description: 'Insert empty rows; formulas that point below them follow.',
    args: z.strictObject({ sheet, row: z.number().int().min(1).describe('New rows go before this row.'), count }),
  },
  delete_rows: {
    description: 'Delete rows; formulas that pointed into them show #REF!.',
    args: z.strictObject({ sheet, row: z.number().int().min(1).describe('First row to delete.'), count }),
  },
  insert_columns: {
    description: 'Insert empty columns; formulas that point to the right of them follow.',
    args: z.strictObject({ sheet, column: z.string().min(1).max(3).describe('New columns go before this column (letter).'), count }),
  },
  delete_columns: {
    description: 'Delete columns; formulas that pointed into them show #REF!.',
    args: z.strictObject({ sheet, column: z.string().min(1).max(3).describe('First column to delete (letter).'), count }),
  },
  sort: {
    description: 'Sort the rows of a range by one or more of its columns (numbers before text, empty cells last).',
    args: z.strictObject({
      range: range.describe('The rows to sort (without the header row), e.g. Data!A2:D50.'),
      keys: z
        .array(z.strictObject({ column: z.string().min(1).max(3).describe('Column letter inside the range.'), order: z.enum(['asc', 'desc']).optional() }))
        .min(1)
        .max(5)
        .describe('Sort keys, most important first (order defaults to asc).'),
    }),
  },
  create_sheet: { description: 'Add an empty sheet at the end of the workbook.', args: z.strictObject({ name: sheet }) },
  set_format: {
    description: 'Set the number format, bold and/or background colour of every cell in a range.',
    args: z.strictObject({
      range,
      number_format: z.string().max(100).optional().describe('Excel number format, e.g. 0.00, #,##0, yyyy-mm-dd, 0%.'),
      bold: z.boolean().optional(),
      fill_color: z.string().optional().describe('Background colour as #RRGGBB, or "none" to clear it.'),
    }),
  },
  answer: {
    description: 'Give the final answer to the question: ends the episode and checks it.',
    args: z.strictObject({ text: z.string().min(1).max(2000).describe('Your answer, as short as the question allows.') }),
  },
  submit: { description: 'Finish the task: ends the episode and checks the workbook.', args: z.strictObject({}) },
});

export type ToolName = (typeof TOOLS.names)[number];
