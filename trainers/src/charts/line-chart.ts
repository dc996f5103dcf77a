import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';

Chart.register(...registerables);

export interface LineSeries {
  label: string;
  /** y per x; null leaves a gap. */
  values: (number | null)[];
  /** An interval around the line (e.g. a 95% Wilson band), shaded in the series' colour. */
  band?: { low: (number | null)[]; high: (number | null)[] };
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  labels: (string | number)[];
  series: LineSeries[];
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** A line chart rendered by chart.js on a @napi-rs/canvas canvas; returns PNG bytes. */
export async function renderLineChart(options: LineChartOptions): Promise<Buffer> {
  const width = options.width ?? 900;
  const height = options.height ?? 500;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: options.labels,
      datasets: options.series.flatMap((s, i) => {
        const colour = PALETTE[i % PALETTE.length]!;
        const line = { label: s.label, data: s.values, borderColor: colour, backgroundColor: colour, tension: 0, spanGaps: true };
        if (!s.band) return [line];
        // The band is two unlabelled edges; the high edge fills down to the low one (the dataset before it).
        const edge = { borderColor: `${colour}55`, borderWidth: 1, pointRadius: 0, tension: 0, spanGaps: true };
        return [
          line,
          { ...edge, label: '', data: s.band.low, fill: false },
          { ...edge, label: '', data: s.band.high, fill: '-1', backgroundColor: `${colour}22` },
        ];
      }),
    },
    options: {
      // No DOM here: fixed size, no animation, one synchronous draw.
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: {
        title: { display: true, text: options.title },
        legend: { position: 'bottom', labels: { filter: (item) => item.text !== '' } },
      },
      scales: {
        x: { title: { display: true, text: options.xLabel } },
        y: { title: { display: true, text: options.yLabel }, min: options.yMin, max: options.yMax },
      },
    },
  };
  // chart.js types its context as the DOM one; the napi-rs context implements the same drawing API.
  const chart = new Chart(ctx as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
