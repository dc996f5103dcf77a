import type { EpisodeQuery, RunOverview } from '../../model/api.js';
import { ChartCanvas } from '../components/chart.js';
import { Histogram } from '../components/histogram.js';
import { RateBar, RateTable } from '../components/rate-table.js';
import { Pending } from '../components/status.js';
import { interval, number, percent } from '../format.js';
import { useLiveOverview } from '../hooks.js';
import { href } from '../route.js';

const BY: { field: keyof RunOverview['by']; title: string; filter?: keyof EpisodeQuery }[] = [
  { field: 'env', title: 'Success by env', filter: 'env' },
  { field: 'family', title: 'Success by family', filter: 'family' },
  { field: 'job', title: 'Success by job', filter: 'job' },
  { field: 'split', title: 'Success by split', filter: 'split' },
  { field: 'difficulty', title: 'Success by difficulty' },
  { field: 'feasibility', title: 'Success on feasible and infeasible seeds', filter: 'feasibility' },
];

export function OverviewPage({ source }: { source: string }) {
  const loaded = useLiveOverview(source);
  if (loaded.state !== 'ready') return <Pending loaded={loaded} what="the run" />;
  const overview = loaded.value;
  return (
    <article class="overview">
      <h1>Run {overview.source.name}</h1>
      <RunFacts overview={overview} />
      <p>
        <a class="button" href={href.episodes(source)}>
          Browse the {number(overview.episodes)} episodes
        </a>
      </p>
      <section aria-labelledby="by-title">
        <h2 id="by-title">Success with 95% Wilson intervals</h2>
        {BY.filter(({ field }) => overview.by[field].length > 0).map(({ field, title, filter }) => (
          <RateTable
            key={field}
            caption={title}
            keyName={field}
            rows={overview.by[field]}
            link={filter ? (key) => href.episodes(source, { [filter]: key }) : undefined}
          />
        ))}
      </section>
      <Statuses overview={overview} source={source} />
      <section aria-labelledby="dist-title">
        <h2 id="dist-title">Distributions</h2>
        <div class="grid">
          <Histogram title="Steps per episode" distribution={overview.steps} />
          <Histogram title="Prompt tokens per episode" distribution={overview.promptTokens} />
          <Histogram title="Completion tokens per episode" distribution={overview.completionTokens} />
          {overview.durationSeconds ? (
            <Histogram title="Duration (seconds)" distribution={overview.durationSeconds} />
          ) : (
            <p>Durations appear once the records are read.</p>
          )}
        </div>
      </section>
      <Calibration overview={overview} />
      <details>
        <summary>The rollout's spec</summary>
        <pre class="json">{JSON.stringify(overview.spec, null, 2)}</pre>
      </details>
    </article>
  );
}

function RunFacts({ overview }: { overview: RunOverview }) {
  return (
    <dl class="facts">
      <dt>Run id</dt>
      <dd>{overview.runId}</dd>
      <dt>State</dt>
      <dd>{overview.live ? <span class="badge live">live: being written</span> : 'finished'}</dd>
      <dt>Episodes</dt>
      <dd>{number(overview.episodes)}</dd>
      <dt>Success</dt>
      <dd>
        {percent(overview.success.rate)} ({number(overview.success.successes)} of {number(overview.success.n)}; 95% interval {interval(overview.success)}){' '}
        <RateBar rate={overview.success} />
      </dd>
      <dt>Agent</dt>
      <dd>{overview.agent.kind || '(unknown)'}</dd>
      <dt>Model</dt>
      <dd>{overview.agent.model || '(none)'}</dd>
      <dt>Context policy</dt>
      <dd>{overview.agent.contextPolicy || '(none)'}</dd>
      <dt>Retried</dt>
      <dd>
        {number(overview.retried.episodes)} episodes, {number(overview.retried.retries)} retries
      </dd>
    </dl>
  );
}

function Statuses({ overview, source }: { overview: RunOverview; source: string }) {
  const entries = Object.entries(overview.statuses).sort((a, b) => b[1] - a[1]);
  return (
    <section aria-labelledby="status-title">
      <h2 id="status-title">Statuses</h2>
      <table>
        <caption>Episodes per status (errors of infrastructure and of people included)</caption>
        <thead>
          <tr>
            <th scope="col">status</th>
            <th scope="col">episodes</th>
            <th scope="col">share</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([status, count]) => (
            <tr key={status}>
              <th scope="row">
                <a href={href.episodes(source, { status })}>{status}</a>
              </th>
              <td>{number(count)}</td>
              <td>{percent(overview.episodes ? count / overview.episodes : 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Calibration({ overview }: { overview: RunOverview }) {
  const calibration = overview.calibration;
  if (!calibration) return null;
  const bins = calibration.bins.filter((bin) => bin.n > 0);
  const summary = `Self-evaluation of ${number(calibration.episodes)} episodes; Brier score ${calibration.brier.toFixed(3)}`;
  return (
    <section aria-labelledby="calibration-title">
      <h2 id="calibration-title">Calibration: predicted against verified success</h2>
      <p>{summary}</p>
      <ChartCanvas
        label={`Calibration chart. ${summary}. ${bins.map((bin) => `predicted ${percent(bin.predicted)}: verified ${percent(bin.verified)} of ${bin.n}`).join('; ')}`}
        config={{
          type: 'scatter',
          data: {
            datasets: [
              {
                label: 'verified success',
                data: bins.map((bin) => ({ x: bin.predicted, y: bin.verified })),
                backgroundColor: '#1f5fbf',
                showLine: true,
                borderColor: '#1f5fbf',
              },
              {
                label: 'perfect calibration',
                data: [
                  { x: 0, y: 0 },
                  { x: 1, y: 1 },
                ],
                showLine: true,
                borderColor: '#6b7280',
                borderDash: [4, 4],
                pointRadius: 0,
              },
            ],
          },
          options: {
            scales: { x: { min: 0, max: 1, title: { display: true, text: 'predicted' } }, y: { min: 0, max: 1, title: { display: true, text: 'verified' } } },
          },
        }}
      />
      <table>
        <caption>Calibration bins</caption>
        <thead>
          <tr>
            <th scope="col">predicted from</th>
            <th scope="col">to</th>
            <th scope="col">episodes</th>
            <th scope="col">mean predicted</th>
            <th scope="col">verified</th>
          </tr>
        </thead>
        <tbody>
          {calibration.bins.map((bin, i) => (
            <tr key={i}>
              <td>{percent(bin.from)}</td>
              <td>{percent(bin.to)}</td>
              <td>{number(bin.n)}</td>
              <td>{bin.n ? percent(bin.predicted) : '–'}</td>
              <td>{bin.n ? percent(bin.verified) : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
