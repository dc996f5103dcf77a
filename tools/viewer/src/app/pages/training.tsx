import type { SourceInfo, TransferMatrix } from '../../model/api.js';
import { ChartCanvas, PALETTE } from '../components/chart.js';
import { Pending } from '../components/status.js';
import { TextTable } from '../components/text-table.js';
import { useData } from '../data/context.js';
import { interval, number, percent } from '../format.js';
import { useLoaded } from '../hooks.js';
import { EvalTables } from './eval-tables.js';

type Columns = Record<string, (number | string)[]>;

const KIND_TITLES: Record<SourceInfo['kind'], string> = { run: 'Run', training: 'Training outputs', eval: 'Eval report', transfer: 'Transfer matrix' };

export function TrainingPage({ source }: { source: string }) {
  const data = useData();
  const loaded = useLoaded(() => data.training(source), [source]);
  if (loaded.state !== 'ready') return <Pending loaded={loaded} what="the training outputs" />;
  const view = loaded.value;
  return (
    <article class="training">
      <h1>
        {KIND_TITLES[view.source.kind]} {view.source.name}
      </h1>
      {view.curves ? <Curves title="Training curves" columns={view.curves} ys={['success_rate', 'mean_reward']} /> : null}
      {view.testCurves ? <Curves title="Test curves (held-out seeds)" columns={view.testCurves} ys={['success_rate']} band /> : null}
      {view.eval !== undefined ? <EvalTables report={view.eval} /> : null}
      {view.transfer ? <Heatmap transfer={view.transfer} /> : null}
      {!view.curves && !view.testCurves && view.eval === undefined && !view.transfer ? <p>No curves, evaluation or transfer matrix in this folder.</p> : null}
    </article>
  );
}

/** One line per env (and per measure) over the iterations; with `band`, the Wilson interval (low, high) shaded. */
function Curves({ title, columns, ys, band = false }: { title: string; columns: Columns; ys: string[]; band?: boolean }) {
  const iterations = (columns.iteration ?? []).map(Number);
  const envs = [...new Set((columns.env ?? iterations.map(() => '')).map(String))];
  const xs = [...new Set(iterations)].sort((a, b) => a - b);
  const series = (env: string, column: string) =>
    xs.map((x) => {
      const row = iterations.findIndex((it, i) => it === x && String(columns.env?.[i] ?? '') === env);
      const value = row < 0 ? NaN : Number(columns[column]?.[row]);
      return Number.isFinite(value) ? value : null;
    });
  const datasets = envs.flatMap((env, e) =>
    ys
      .filter((y) => columns[y])
      .flatMap((y, k) => {
        const color = PALETTE[(e * ys.length + k) % PALETTE.length]!;
        const line = { label: `${env || 'all'} ${y}`, data: series(env, y), borderColor: color, backgroundColor: color, borderDash: k ? [5, 3] : [] };
        if (!band || !columns.low || !columns.high) return [line];
        const shade = `${color}33`;
        return [
          { label: `${env} low`, data: series(env, 'low'), borderColor: 'transparent', backgroundColor: shade, pointRadius: 0, fill: false },
          { label: `${env} high`, data: series(env, 'high'), borderColor: 'transparent', backgroundColor: shade, pointRadius: 0, fill: '-1' as const },
          line,
        ];
      }),
  );
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      <ChartCanvas
        label={`${title}: ${datasets.length} lines over ${xs.length} iterations; the numbers are in the table below`}
        config={{
          type: 'line',
          data: { labels: xs.map(String), datasets },
          options: {
            plugins: { legend: { labels: { filter: (item) => !/ (low|high)$/.test(item.text) } } },
            scales: { x: { title: { display: true, text: 'iteration' } }, y: { min: 0, title: { display: true, text: ys.join(', ') } } },
          },
        }}
      />
      <ColumnsTable caption={`${title}: every row`} columns={columns} />
    </section>
  );
}

function ColumnsTable({ caption, columns }: { caption: string; columns: Columns }) {
  const headers = Object.keys(columns);
  const rows = Math.max(0, ...headers.map((h) => columns[h]!.length));
  return (
    <details>
      <summary>{caption}</summary>
      <TextTable headers={headers} rows={rows} cell={(r, h) => String(columns[h]![r] ?? '')} />
    </details>
  );
}

/** The transfer matrix: a table (rows: what was trained on, columns: the env tested) whose cells are shaded by success. */
function Heatmap({ transfer }: { transfer: TransferMatrix }) {
  const cell = (trainSet: string, testEnv: string) => transfer.cells.find((c) => c.trainSet === trainSet && c.testEnv === testEnv);
  return (
    <section aria-labelledby="transfer-title">
      <h2 id="transfer-title">Transfer matrix</h2>
      <table class="heatmap">
        <caption>
          Success on each test env (columns) after training on each set (rows), with 95% Wilson intervals; Δ: against the untrained row on the same tasks, in
          bold where it differs
        </caption>
        <thead>
          <tr>
            <th scope="col">trained on</th>
            {transfer.testEnvs.map((env) => (
              <th scope="col" key={env}>
                {env}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {transfer.trainSets.map((set) => (
            <tr key={set.name}>
              <th scope="row">
                {set.name}
                {set.envs.length && set.envs.join('+') !== set.name ? <span class="small muted"> ({set.envs.join(', ')})</span> : null}
              </th>
              {transfer.testEnvs.map((env) => {
                const found = cell(set.name, env);
                if (!found) return <td key={env}>–</td>;
                const versus = found.vsUntrained;
                return (
                  <td key={env} class="heat" style={{ backgroundColor: heat(found.success.rate) }}>
                    {percent(found.success.rate)}
                    <span class="small">
                      {' '}
                      ({interval(found.success)}; n {number(found.success.n)})
                    </span>
                    {versus ? (
                      <span class={versus.differs ? 'small differs' : 'small'}>
                        <br />Δ {signedPoints(versus.difference)} ({signedPoints(versus.low)} to {signedPoints(versus.high)}; p {versus.mcnemarP.toFixed(3)})
                      </span>
                    ) : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const signedPoints = (value: number) => `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)} pt`;

/** Near white to mid blue: the text (#1a1a1a) keeps at least 5:1 contrast on the darkest shade. */
function heat(rate: number): string {
  const r = Math.min(1, Math.max(0, Number.isFinite(rate) ? rate : 0));
  return `hsl(215 70% ${Math.round(97 - r * 37)}%)`;
}
