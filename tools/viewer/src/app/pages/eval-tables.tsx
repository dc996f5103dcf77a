import { TextTable } from '../components/text-table.js';
import { interval, number, percent } from '../format.js';

type Json = Record<string, unknown>;

/**
 * An eval report (`eval --json`, `comparison.json`) as tables: each array of objects in it (its
 * `rows`) becomes a table of its fields; a rate with an interval reads `45.0% (30.1% – 60.2%)`.
 */
export function EvalTables({ report }: { report: unknown }) {
  const top = report && typeof report === 'object' && !Array.isArray(report) ? (report as Json) : {};
  const tables = Object.entries(top).filter(([, value]) => Array.isArray(value) && value.length > 0 && value.every(isObject)) as [string, Json[]][];
  const facts = Object.entries(top).filter(([, value]) => value === null || typeof value !== 'object');
  return (
    <section aria-labelledby="eval-title">
      <h2 id="eval-title">Evaluation</h2>
      {facts.length ? (
        <dl class="facts">{facts.map(([key, value]) => [<dt key={`t-${key}`}>{key}</dt>, <dd key={`d-${key}`}>{cellText(value)}</dd>])}</dl>
      ) : null}
      {tables.map(([name, rows]) => (
        <ObjectTable key={name} caption={name} rows={rows} />
      ))}
      <details>
        <summary>The report as written</summary>
        <pre class="json">{JSON.stringify(report, null, 2)}</pre>
      </details>
    </section>
  );
}

function ObjectTable({ caption, rows: nested }: { caption: string; rows: Json[] }) {
  const rows = nested.map((row) => flatten(row));
  const headers = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return <TextTable class="eval" caption={caption} headers={headers} rows={rows.length} cell={(r, h) => cellText(rows[r]![h])} />;
}

const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);
const isRate = (value: Json) => typeof value.rate === 'number' && typeof value.low === 'number' && typeof value.high === 'number';

/** Nested objects (a comparison, pass@k by k) become columns named by their path; a rate stays one cell. */
function flatten(row: Json, prefix = '', depth = 0): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(value) && !isRate(value) && depth < 2) Object.assign(out, flatten(value, name, depth + 1));
    else out[name] = value;
  }
  return out;
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return number(value);
  if (typeof value !== 'object') return String(value);
  const v = value as Json;
  if (typeof v.rate === 'number' && typeof v.low === 'number' && typeof v.high === 'number')
    return `${percent(v.rate)} (${interval({ low: v.low, high: v.high })})`;
  return JSON.stringify(value);
}
