import { createCanvas } from '@napi-rs/canvas';

export interface HeatmapOptions {
  title: string;
  rows: string[];
  columns: string[];
  /** values[row][column] in 0..1; null for a cell that was not measured. */
  values: (number | null)[][];
}

const TITLE_FONT = 'bold 16px sans-serif';
const LABEL_FONT = '13px sans-serif';
const MARGIN = 12;

/** Widths of texts in a font, measured the way the canvas will draw them. */
function textWidths(font: string, texts: readonly string[]): number[] {
  const ctx = createCanvas(1, 1).getContext('2d');
  ctx.font = font;
  return texts.map((text) => ctx.measureText(text).width);
}

/**
 * A 0..1 heatmap with the value printed in each cell (drawn directly on the canvas); PNG bytes.
 * The canvas is sized from the measured title and labels, so no text is ever cut off.
 */
export function renderHeatmap(options: HeatmapOptions): Buffer {
  const columnLabels = options.columns.map((c) => `test: ${c}`);
  const [titleWidth] = textWidths(TITLE_FONT, [options.title]);
  const cell = { w: Math.ceil(Math.max(120, ...textWidths(LABEL_FONT, columnLabels).map((w) => w + 12))), h: 44 };
  const left = Math.ceil(MARGIN + Math.max(64, ...textWidths(LABEL_FONT, options.rows)) + 8);
  const top = 80;
  const width = Math.ceil(Math.max(left + cell.w * options.columns.length + 20, MARGIN + titleWidth! + MARGIN));
  const height = top + cell.h * options.rows.length + 20;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = TITLE_FONT;
  ctx.fillText(options.title, MARGIN, 28);
  ctx.font = LABEL_FONT;
  columnLabels.forEach((label, j) => ctx.fillText(label, left + j * cell.w + 6, top - 10));
  options.rows.forEach((r, i) => {
    ctx.fillStyle = '#000000';
    ctx.fillText(r, MARGIN, top + i * cell.h + cell.h / 2 + 5);
    options.columns.forEach((_, j) => {
      const v = options.values[i]?.[j] ?? null;
      // White (0) to dark green (1); grey when not measured.
      ctx.fillStyle = v === null ? '#dddddd' : `rgb(${Math.round(255 - 200 * v)}, ${Math.round(255 - 90 * v)}, ${Math.round(255 - 200 * v)})`;
      ctx.fillRect(left + j * cell.w, top + i * cell.h, cell.w - 2, cell.h - 2);
      ctx.fillStyle = v !== null && v > 0.6 ? '#ffffff' : '#000000';
      ctx.fillText(v === null ? 'n/a' : `${(100 * v).toFixed(0)}%`, left + j * cell.w + cell.w / 2 - 14, top + i * cell.h + cell.h / 2 + 5);
    });
  });
  return canvas.toBuffer('image/png');
}
