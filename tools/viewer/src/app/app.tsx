import { useEffect, useRef } from 'preact/hooks';
import type { SourceInfo } from '../model/api.js';
import { Pending } from './components/status.js';
import { useData } from './data/context.js';
import { useLoaded, useRoute } from './hooks.js';
import { href, type Route } from './route.js';
import { ComparePage } from './pages/compare.js';
import { EpisodeListPage } from './pages/episode-list.js';
import { EpisodePage } from './pages/episode-page.js';
import { HomePage, sourceHref } from './pages/home.js';
import { OverviewPage } from './pages/overview.js';
import { TrainingPage } from './pages/training.js';

export function App() {
  const data = useData();
  const route = useRoute();
  const sources = useLoaded(() => data.sources(), []);
  const main = useRef<HTMLElement>(null);
  const page = pageKey(route);
  useEffect(() => {
    // A new page (not a new step of the same episode) starts at its top, with focus on its content.
    if (route.page === 'episode' && route.step !== undefined) return;
    main.current?.focus({ preventScroll: true });
    scrollTo(0, 0);
  }, [page]);
  return (
    <>
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <header>
        <nav aria-label="Sources">
          <a class="brand" href={href.home()}>
            workgym viewer
          </a>
          {sources.state === 'ready' ? <SourceLinks sources={sources.value} /> : null}
        </nav>
      </header>
      <main ref={main} tabIndex={-1} id="main">
        {sources.state === 'ready' ? <Page route={route} sources={sources.value} /> : <Pending loaded={sources} what="the sources" />}
      </main>
    </>
  );
}

function SourceLinks({ sources }: { sources: SourceInfo[] }) {
  const runs = sources.filter((s) => s.kind === 'run');
  return (
    <ul>
      {sources.map((source) => (
        <li key={source.id}>
          <a href={sourceHref(source)}>{source.name}</a>
        </li>
      ))}
      {runs.length >= 2 ? (
        <li>
          <a href={href.compare(runs.map((r) => r.id))}>Compare runs</a>
        </li>
      ) : null}
    </ul>
  );
}

function Page({ route, sources }: { route: Route; sources: SourceInfo[] }) {
  switch (route.page) {
    case 'home':
      return <HomePage sources={sources} />;
    case 'overview':
      return <OverviewPage key={route.source} source={route.source} />;
    case 'episodes':
      return <EpisodeListPage key={route.source} source={route.source} query={route.query} />;
    case 'episode':
      return <EpisodePage {...route} />;
    case 'compare':
      return <ComparePage sources={route.sources} />;
    case 'training':
      return <TrainingPage key={route.source} source={route.source} />;
    default:
      return (
        <article>
          <h1>No such page</h1>
          <p>
            <a href={href.home()}>Go to the sources</a>
          </p>
        </article>
      );
  }
}

function pageKey(route: Route): string {
  if (route.page === 'episode') return `episode/${route.source}/${route.episodeId}`;
  if (route.page === 'episodes') return `episodes/${route.source}/${route.query.offset ?? 0}`;
  return JSON.stringify(route);
}
