import type { Distribution } from '../../model/api.js';
import { number } from '../format.js';
import { ChartCanvas } from './chart.js';

/** A distribution as a bar chart of its bins, with the same numbers in a table. */
export function Histogram({ title, distribution }: { title: string; distribution: Distribution }) {
  const labels = distribution.bins.map((bin) => `${number(bin.from)}–${number(bin.to)}`);
  const summary = `count ${number(distribution.count)}, min ${number(distribution.min)}, median ${number(distribution.p50)}, 90th percentile ${number(distribution.p90)}, max ${number(distribution.max)}, mean ${number(distribution.mean)}`;
  return (
    <figure class="histogram">
      <figcaption>
        <strong>{title}</strong>: {summary}
      </figcaption>
      {distribution.count > 0 ? (
        <ChartCanvas
          label={`${title}: histogram; ${summary}`}
          config={{
            type: 'bar',
            data: { labels, datasets: [{ label: 'episodes', data: distribution.bins.map((bin) => bin.count), backgroundColor: '#1f5fbf' }] },
            options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'episodes' } } } },
          }}
        />
      ) : null}
      <details>
        <summary>{title}: the bins</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">from</th>
              <th scope="col">to</th>
              <th scope="col">episodes</th>
            </tr>
          </thead>
          <tbody>
            {distribution.bins.map((bin, i) => (
              <tr key={i}>
                <td>{number(bin.from)}</td>
                <td>{number(bin.to)}</td>
                <td>{number(bin.count)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
