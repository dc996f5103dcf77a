import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { renderHeatmap } from '../src/charts/index.js';

/** The right-most column holding a non-white pixel in rows [top, bottom) of a PNG, and its width. */
async function inkExtent(png: Buffer, top: number, bottom: number): Promise<{ right: number; width: number }> {
  const image = await loadImage(png);
  const ctx = createCanvas(image.width, image.height).getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, top, image.width, bottom - top);
  let right = -1;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) right = Math.max(right, (i / 4) % image.width);
  }
  return { right, width: image.width };
}

describe('heatmap', () => {
  it('is wide enough for its whole title and column labels, however few the columns', async () => {
    const png = renderHeatmap({
      title: 'Transfer: success on each test env (rows: training set; 95% Wilson intervals in the JSON)',
      rows: ['untrained', 'all but spreadsheet-with-a-long-name'],
      columns: ['code', 'a-rather-long-environment-name'],
      values: [
        [0, 0.25],
        [0.5, null],
      ],
    });
    // The title band and the column-label band each end in white margin: nothing runs off the edge.
    for (const [top, bottom] of [
      [8, 36],
      [56, 76],
    ] as const) {
      const { right, width } = await inkExtent(png, top, bottom);
      expect(right).toBeGreaterThan(0);
      expect(right).toBeLessThan(width - 6);
    }
  });
});
