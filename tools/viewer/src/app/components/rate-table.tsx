import type { Rate, RateRow } from '../../model/api.js';
import { interval, number, percent } from '../format.js';

/** Success rates with their 95% Wilson intervals, one row per key; `link` makes a key a link to the app's own pages. */
export function RateTable({ caption, keyName, rows, link }: { caption: string; keyName: string; rows: RateRow[]; link?: (key: string) => string }) {
  return (
    <table class="rates">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyName}</th>
          <th scope="col">episodes</th>
          <th scope="col">successes</th>
          <th scope="col">success</th>
          <th scope="col">95% interval</th>
          <th scope="col" aria-hidden="true" class="bar-col"></th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">{link ? <a href={link(row.key)}>{row.key || '(none)'}</a> : row.key || '(none)'}</th>
            <td>{number(row.n)}</td>
            <td>{number(row.successes)}</td>
            <td>{percent(row.rate)}</td>
            <td>{interval(row)}</td>
            <td aria-hidden="true" class="bar-col">
              <RateBar rate={row} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The rate as a bar with its interval drawn across it (widths set through the CSSOM). */
export function RateBar({ rate }: { rate: Rate }) {
  return (
    <span class="rate-bar">
      <span class="rate-fill" style={{ width: percent(rate.rate) }} />
      <span class="rate-interval" style={{ left: percent(rate.low), width: percent(Math.max(0, rate.high - rate.low)) }} />
    </span>
  );
}
