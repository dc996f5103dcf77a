import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { heatmapLayout, renderHeatmap, type HeatmapOptions } from '../src/charts/index.js';

/** The PNG's pixels, and whether the pixel at (x, y) is ink (not near-white). */
async function pixels(png: Buffer): Promise<{ width: number; height: number; ink(x: number, y: number): boolean }> {
  const image = await loadImage(png);
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  return {
    width: image.width,
    height: image.height,
    ink: (x, y) => {
      const i = 4 * (y * image.width + x);
      return data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200;
    },
  };
}

/** A two-column transfer matrix with the longest notes a cell gets: an interval and a paired difference. */
const matrix = (values: number[][]): HeatmapOptions => ({
  title: 'Transfer: success on each test env (rows: training set; columns: test env)',
  subtitle: ['each cell: success, 95% Wilson interval; Δ vs untrained with its 95% paired interval', 'framed and *: differs from untrained (McNemar p < 0.05)'],
  rows: ['untrained', 'all-but-spreadsheet-with-a-long-name'],
  columns: ['code', 'a-rather-long-environment-name'],
  values,
  notes: values.map((row) => row.map(() => ['[100.0–100.0%] n=1000', 'Δ −100.0 pts [−100.0, −100.0] p=1.0e-10 *'])),
  marked: values.map((row) => row.map(() => true)),
});

describe('heatmap', () => {
  it('places every text inside its cell or the canvas, measured as the canvas draws it', () => {
    const layout = heatmapLayout(
      matrix([
        [0, 0.25],
        [0.5, 1],
      ]),
    );
    const ctx = createCanvas(1, 1).getContext('2d');
    expect(layout.texts.length).toBe(3 + 2 + 2 + 4 * 3);
    for (const t of layout.texts) {
      ctx.font = t.font;
      const m = ctx.measureText(t.text);
      expect(t.x - m.actualBoundingBoxLeft, t.text).toBeGreaterThanOrEqual(t.box.left + 2);
      expect(t.x + m.actualBoundingBoxRight, t.text).toBeLessThanOrEqual(t.box.right - 2);
      expect(t.y - m.actualBoundingBoxAscent, t.text).toBeGreaterThanOrEqual(t.box.top + 2);
      expect(t.y + m.actualBoundingBoxDescent, t.text).toBeLessThanOrEqual(t.box.bottom - 2);
    }
  });

  it('draws no text across a cell edge or off the image, however few the columns', async () => {
    // White cells (value 0): any ink on a cell's edge or in the gap between cells is text that ran out.
    const options = matrix([
      [0, 0],
      [0, 0],
    ]);
    options.marked = undefined;
    const png = await pixels(renderHeatmap(options));
    const layout = heatmapLayout(options);
    for (const cell of layout.cells) {
      for (let y = cell.top; y < cell.top + cell.height; y++) {
        for (const x of [cell.left, cell.left + cell.width - 1, cell.left + cell.width, cell.left + cell.width + 1])
          expect(png.ink(x, y), `(${x}, ${y})`).toBe(false);
      }
    }
    // The last columns and rows of the image are margin: nothing reaches the edge.
    for (let y = 0; y < png.height; y++) for (let x = png.width - 6; x < png.width; x++) expect(png.ink(x, y)).toBe(false);
    for (let x = 0; x < png.width; x++) for (let y = png.height - 6; y < png.height; y++) expect(png.ink(x, y)).toBe(false);
    // And the cells do hold their text.
    const first = layout.cells[0]!;
    let inked = 0;
    for (let y = first.top; y < first.top + first.height; y++) for (let x = first.left; x < first.left + first.width; x++) if (png.ink(x, y)) inked++;
    expect(inked).toBeGreaterThan(100);
  });
});
