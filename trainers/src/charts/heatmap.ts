import { createCanvas } from '@napi-rs/canvas';

export interface HeatmapOptions {
  title: string;
  rows: string[];
  columns: string[];
  /** values[row][column] in 0..1; null for a cell that was not measured. */
  values: (number | null)[][];
}

/** A 0..1 heatmap with the value printed in each cell (drawn directly on the canvas); PNG bytes. */
export function renderHeatmap(options: HeatmapOptions): Buffer {
  const cell = { w: 120, h: 44 };
  const left = 12 + 8 * Math.max(8, ...options.rows.map((r) => r.length));
  const top = 80;
  const width = left + cell.w * options.columns.length + 20;
  const height = top + cell.h * options.rows.length + 20;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = 'bold 16px sans-serif';
  ctx.fillText(options.title, 12, 28);
  ctx.font = '13px sans-serif';
  options.columns.forEach((c, j) => ctx.fillText(`test: ${c}`, left + j * cell.w + 6, top - 10));
  options.rows.forEach((r, i) => {
    ctx.fillStyle = '#000000';
    ctx.fillText(r, 12, top + i * cell.h + cell.h / 2 + 5);
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
