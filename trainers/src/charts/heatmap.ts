import { createCanvas } from '@napi-rs/canvas';

export interface HeatmapOptions {
  title: string;
  /** Lines under the title (a legend). */
  subtitle?: string[];
  rows: string[];
  columns: string[];
  /** values[row][column] in 0..1; null for a cell that was not measured. */
  values: (number | null)[][];
  /** notes[row][column]: lines printed under the cell's value (an interval, a difference). */
  notes?: string[][][];
  /** marked[row][column]: cells drawn with a heavy frame (those that differ from a baseline). */
  marked?: boolean[][];
}

/** A text and the box it must stay inside. */
export interface PlacedText {
  text: string;
  font: string;
  /** Left end of the text and its baseline. */
  x: number;
  y: number;
  width: number;
  box: { left: number; top: number; right: number; bottom: number };
}

export interface HeatmapLayout {
  width: number;
  height: number;
  cells: { row: number; column: number; left: number; top: number; width: number; height: number }[];
  texts: PlacedText[];
}

const TITLE_FONT = 'bold 16px sans-serif';
const LABEL_FONT = '13px sans-serif';
const VALUE_FONT = 'bold 15px sans-serif';
const NOTE_FONT = '12px sans-serif';
const MARGIN = 12;
const PAD = 8;
const LINE = { title: 24, label: 18, value: 20, note: 16 };
/** How far a glyph may reach above its baseline and below it, for the fonts above. */
const ASCENT = 14;
const DESCENT = 4;

const measurer = createCanvas(1, 1).getContext('2d');

function textWidth(font: string, text: string): number {
  measurer.font = font;
  return measurer.measureText(text).width;
}

/**
 * Where every text of the heatmap goes: cells, labels and the canvas are sized from the
 * measured texts, so nothing is cut off however long a title, label or note is.
 */
export function heatmapLayout(options: HeatmapOptions): HeatmapLayout {
  const subtitle = options.subtitle ?? [];
  const columnLabels = options.columns.map((c) => `test: ${c}`);
  const cellLines = (i: number, j: number) => {
    const v = options.values[i]?.[j] ?? null;
    return [
      { text: v === null ? 'n/a' : `${(100 * v).toFixed(0)}%`, font: VALUE_FONT, line: LINE.value },
      ...(options.notes?.[i]?.[j] ?? []).map((text) => ({ text, font: NOTE_FONT, line: LINE.note })),
    ];
  };
  const all = options.rows.flatMap((_, i) => options.columns.map((_, j) => cellLines(i, j)));
  const cellW = Math.ceil(
    Math.max(96, ...columnLabels.map((l) => textWidth(LABEL_FONT, l) + 2 * PAD), ...all.flatMap((ls) => ls.map((l) => textWidth(l.font, l.text) + 2 * PAD))),
  );
  const cellH = Math.ceil(Math.max(40, ...all.map((ls) => ls.reduce((h, l) => h + l.line, 0) + 2 * PAD)));
  const left = Math.ceil(MARGIN + Math.max(64, ...options.rows.map((r) => textWidth(LABEL_FONT, r))) + PAD);
  const headerTop = MARGIN + LINE.title + subtitle.length * LINE.label + PAD;
  const top = headerTop + LINE.label + PAD;
  const heading = [options.title, ...subtitle].map((text, k) => ({ text, font: k === 0 ? TITLE_FONT : LABEL_FONT }));
  const width = Math.ceil(Math.max(left + cellW * options.columns.length + MARGIN, ...heading.map((h) => MARGIN + textWidth(h.font, h.text) + MARGIN)));
  const height = top + cellH * options.rows.length + MARGIN;
  const canvasBox = { left: 0, top: 0, right: width, bottom: height };
  const place = (text: string, font: string, x: number, y: number, box = canvasBox): PlacedText => ({ text, font, x, y, width: textWidth(font, text), box });
  const texts: PlacedText[] = [];
  let y = MARGIN + ASCENT + 4;
  for (const h of heading) {
    texts.push(place(h.text, h.font, MARGIN, y));
    y += h === heading[0] ? LINE.title : LINE.label;
  }
  columnLabels.forEach((label, j) => texts.push(place(label, LABEL_FONT, left + j * cellW + PAD, headerTop + ASCENT)));
  const cells: HeatmapLayout['cells'] = [];
  options.rows.forEach((row, i) => {
    const cellTop = top + i * cellH;
    texts.push(place(row, LABEL_FONT, MARGIN, cellTop + cellH / 2 + 5));
    options.columns.forEach((_, j) => {
      const cell = { row: i, column: j, left: left + j * cellW, top: cellTop, width: cellW - 2, height: cellH - 2 };
      cells.push(cell);
      const lines = cellLines(i, j);
      const box = { left: cell.left, top: cell.top, right: cell.left + cell.width, bottom: cell.top + cell.height };
      // The lines are centred as a block, each line centred in the cell.
      let baseline = cell.top + (cell.height - lines.reduce((h, l) => h + l.line, 0)) / 2 - DESCENT;
      for (const l of lines) {
        baseline += l.line;
        const w = textWidth(l.font, l.text);
        texts.push({ ...place(l.text, l.font, cell.left + (cell.width - w) / 2, baseline, box), width: w });
      }
    });
  });
  return { width, height, cells, texts };
}

/** A 0..1 heatmap with each cell's value and notes drawn in it; PNG bytes. */
export function renderHeatmap(options: HeatmapOptions): Buffer {
  const layout = heatmapLayout(options);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  const inkOf = new Map<string, string>();
  for (const cell of layout.cells) {
    const v = options.values[cell.row]?.[cell.column] ?? null;
    // White (0) to dark green (1); grey when not measured.
    ctx.fillStyle = v === null ? '#dddddd' : `rgb(${Math.round(255 - 200 * v)}, ${Math.round(255 - 90 * v)}, ${Math.round(255 - 200 * v)})`;
    ctx.fillRect(cell.left, cell.top, cell.width, cell.height);
    if (options.marked?.[cell.row]?.[cell.column]) {
      ctx.strokeStyle = '#1f3a93';
      ctx.lineWidth = 3;
      ctx.strokeRect(cell.left + 1.5, cell.top + 1.5, cell.width - 3, cell.height - 3);
    }
    inkOf.set(`${cell.left},${cell.top}`, v !== null && v > 0.6 ? '#ffffff' : '#000000');
  }
  for (const t of layout.texts) {
    ctx.font = t.font;
    ctx.fillStyle = inkOf.get(`${t.box.left},${t.box.top}`) ?? '#000000';
    ctx.fillText(t.text, t.x, t.y);
  }
  return canvas.toBuffer('image/png');
}
