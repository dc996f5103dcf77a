import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';

Chart.register(...registerables);

export interface LineSeries {
  label: string;
  /** y per x; null leaves a gap. */
  values: (number | null)[];
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
      datasets: options.series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        tension: 0,
        spanGaps: true,
      })),
    },
    options: {
      // No DOM here: fixed size, no animation, one synchronous draw.
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      plugins: { title: { display: true, text: options.title }, legend: { position: 'bottom' } },
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
