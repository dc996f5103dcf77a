// PNG charts (`@workgym/trainers/charts`), drawn with @napi-rs/canvas.
export { renderLineChart, type LineChartOptions, type LineSeries } from './line-chart.js';
export { renderHeatmap, type HeatmapOptions } from './heatmap.js';
