import { useEffect } from 'preact/hooks';
import type { SourceInfo } from '../../model/api.js';
import { navigate } from '../navigate.js';
import { href } from '../route.js';

/** Where a source's page is: runs have an overview, the other kinds a training page. */
export function sourceHref(source: SourceInfo): string {
  return source.kind === 'run' ? href.overview(source.id) : href.training(source.id);
}

export function HomePage({ sources }: { sources: SourceInfo[] }) {
  const only = sources.length === 1 ? sources[0] : undefined;
  useEffect(() => {
    if (only) navigate(sourceHref(only), true);
  }, [only?.id]);
  const runs = sources.filter((s) => s.kind === 'run');
  return (
    <article>
      <h1>Sources</h1>
      <table>
        <caption>What the viewer was opened on</caption>
        <thead>
          <tr>
            <th scope="col">name</th>
            <th scope="col">kind</th>
            <th scope="col">path</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((source) => (
            <tr key={source.id}>
              <th scope="row">
                <a href={sourceHref(source)}>{source.name}</a>
              </th>
              <td>{source.kind}</td>
              <td>
                <code>{source.path}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.length >= 2 ? (
        <p>
          <a class="button" href={href.compare(runs.map((r) => r.id))}>
            Compare the {runs.length} runs
          </a>
        </p>
      ) : null}
    </article>
  );
}
