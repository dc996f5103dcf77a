import type { CompareView, Rate } from '../../model/api.js';
import { Pending } from '../components/status.js';
import { useData } from '../data/context.js';
import { interval, number, percent } from '../format.js';
import { useLoaded } from '../hooks.js';
import { href } from '../route.js';

export function ComparePage({ sources }: { sources: string[] }) {
  const data = useData();
  const loaded = useLoaded(() => data.compare(sources), [sources.join(',')]);
  if (loaded.state !== 'ready') return <Pending loaded={loaded} what="the comparison" />;
  const view = loaded.value;
  return (
    <article class="compare">
      <h1>Compare {view.sources.map((s) => s.name).join(' and ')}</h1>
      <FamilyTable view={view} />
      <Disagreements view={view} />
    </article>
  );
}

function RateCell({ rate }: { rate: Rate }) {
  return (
    <td>
      {percent(rate.rate)}{' '}
      <span class="muted">
        ({interval(rate)}; n {number(rate.n)})
      </span>
    </td>
  );
}

function FamilyTable({ view }: { view: CompareView }) {
  const firstName = view.sources[0]?.name ?? '';
  const lastName = view.sources[view.sources.length - 1]?.name ?? '';
  return (
    <table class="compare-table">
      <caption>
        Success per family with 95% Wilson intervals; the difference is {lastName} minus {firstName} with a 95% Newcombe interval
      </caption>
      <thead>
        <tr>
          <th scope="col">family</th>
          {view.sources.map((s) => (
            <th scope="col" key={s.id}>
              <a href={href.overview(s.id)}>{s.name}</a>
            </th>
          ))}
          <th scope="col">difference</th>
        </tr>
      </thead>
      <tbody>
        <tr class="overall">
          <th scope="row">all</th>
          {view.overall.map((rate, i) => (
            <RateCell key={i} rate={rate} />
          ))}
          <td />
        </tr>
        {view.families.map((row) => (
          <tr key={row.family}>
            <th scope="row">{row.family}</th>
            {row.runs.map((rate, i) => (
              <RateCell key={i} rate={rate} />
            ))}
            <td class={differs(row.difference) ? 'differs' : ''}>
              {signed(row.difference.value)}{' '}
              <span class="muted">
                ({signed(row.difference.low)} to {signed(row.difference.high)})
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const signed = (value: number) => `${value > 0 ? '+' : ''}${(value * 100).toFixed(1)} pt`;
const differs = (d: { low: number; high: number }) => d.low > 0 || d.high < 0;

function Disagreements({ view }: { view: CompareView }) {
  return (
    <section aria-labelledby="disagree-title">
      <h2 id="disagree-title">Where they disagree ({number(view.disagreements.length)} tasks)</h2>
      {view.disagreements.length === 0 ? (
        <p>Every task both runs played ended the same way.</p>
      ) : (
        <table>
          <caption>Tasks (family, seed, split) whose success differs between the runs</caption>
          <thead>
            <tr>
              <th scope="col">family</th>
              <th scope="col">seed</th>
              <th scope="col">split</th>
              <th scope="col">episodes</th>
            </tr>
          </thead>
          <tbody>
            {view.disagreements.map((task, i) => (
              <tr key={i}>
                <th scope="row">{task.family}</th>
                <td>{task.seed}</td>
                <td>{task.split}</td>
                <td>
                  <ul class="inline">
                    {task.episodes.map((episode) => (
                      <li key={`${episode.source}/${episode.episodeId}`}>
                        <a href={href.episode(episode.source, episode.episodeId)}>
                          {nameOf(view, episode.source)}: {episode.episodeId}
                        </a>{' '}
                        {episode.success ? 'succeeded' : 'failed'}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const nameOf = (view: CompareView, id: string) => view.sources.find((s) => s.id === id)?.name ?? id;
