import { useEffect, useState } from 'preact/hooks';
import type { EpisodePage, EpisodeQuery } from '../../model/api.js';
import { Pending } from '../components/status.js';
import { useData } from '../data/context.js';
import { number } from '../format.js';
import { useLiveOverview, useLoaded } from '../hooks.js';
import { navigate } from '../navigate.js';
import { formatQuery, href } from '../route.js';
import { FilterForm } from './filter-form.js';

/** Rows per page: the server answers a page from its index, so a 100,000-episode run pages as fast as a small one. */
const PAGE = 50;
const TEXT_POLL_MS = 1000;

export function EpisodeListPage({ source, query }: { source: string; query: EpisodeQuery }) {
  const data = useData();
  const overview = useLiveOverview(source);
  const version = overview.state === 'ready' ? overview.value.version : -1;
  const limit = query.limit ?? PAGE;
  // While the server's text index is still being built, ask again: more episodes may match.
  const [pass, setPass] = useState(0);
  const loaded = useLoaded(() => data.episodes(source, { ...query, limit }), [source, formatQuery(query), version, pass], true);
  const searching = loaded.state === 'ready' && !loaded.value.textComplete;
  useEffect(() => {
    if (!searching) return;
    const timer = setTimeout(() => setPass((n) => n + 1), TEXT_POLL_MS);
    return () => clearTimeout(timer);
  }, [searching, pass]);
  const name = overview.state === 'ready' ? overview.value.source.name : source;
  return (
    <article>
      <h1>Episodes of {name}</h1>
      <p>
        <a href={href.overview(source)}>Back to the run's overview</a>
      </p>
      {loaded.state === 'ready' ? (
        <>
          <FilterForm query={query} facets={loaded.value.facets} onChange={(next, replace) => navigate(href.episodes(source, next), replace)} />
          <ListBody source={source} query={query} page={loaded.value} limit={limit} />
        </>
      ) : (
        <Pending loaded={loaded} what="the episodes" />
      )}
    </article>
  );
}

function ListBody({ source, query, page, limit }: { source: string; query: EpisodeQuery; page: EpisodePage; limit: number }) {
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = page.offset + page.rows.length;
  return (
    <>
      <p role="status" class="count">
        {number(page.total)} {page.total === 1 ? 'episode matches' : 'episodes match'}
        {page.total ? `; showing ${number(first)}–${number(last)}` : ''}.{page.textComplete ? '' : ' The text search is still reading the run: more may match.'}
      </p>
      <table class="episodes">
        <caption class="visually-hidden">Episodes matching the filters</caption>
        <thead>
          <tr>
            {['#', 'episode', 'family', 'seed', 'split', 'status', 'success', 'reward', 'steps', 'tokens', 'attempts'].map((title) => (
              <th key={title} scope="col">
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.rows.map((row) => (
            <tr key={row.episodeId} class={row.success ? 'ok' : 'failed'}>
              <td>{row.index}</td>
              <th scope="row">
                <a href={href.episode(source, row.episodeId, query)}>{row.episodeId}</a>
              </th>
              <td>{row.family}</td>
              <td>{row.seed}</td>
              <td>{row.split}</td>
              <td>{row.status}</td>
              <td>{row.success ? 'yes' : 'no'}</td>
              <td>{number(row.finalReward)}</td>
              <td>{number(row.steps)}</td>
              <td>{number(row.tokens)}</td>
              <td>{row.attempts}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages of episodes">
        {page.offset > 0 ? <a href={href.episodes(source, { ...query, offset: Math.max(0, page.offset - limit) })}>Previous page</a> : null}
        {last < page.total ? <a href={href.episodes(source, { ...query, offset: page.offset + limit })}>Next page</a> : null}
      </nav>
    </>
  );
}
