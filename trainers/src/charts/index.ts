// PNG charts (`@workgym/trainers/charts`), drawn with @napi-rs/canvas.
export { renderLineChart, type LineChartOptions, type LineSeries } from './line-chart.js';
export { heatmapLayout, renderHeatmap, type HeatmapLayout, type HeatmapOptions, type PlacedText } from './heatmap.js';
