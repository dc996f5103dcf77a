import type { Rate } from '../model/api.js';

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export function interval(rate: Pick<Rate, 'low' | 'high'>): string {
  return `${percent(rate.low)} – ${percent(rate.high)}`;
}

export function number(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toLocaleString('en', { maximumFractionDigits: 3 });
}

/** JSON text shown indented when it parses; as written when it does not. */
export function prettyJson(text: string): string {
  if (text === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
