import { useEffect, useState } from 'preact/hooks';
import type { RunOverview } from '../model/api.js';
import { useData } from './data/context.js';
import { parseRoute, type Route } from './route.js';

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: string } | { state: 'ready'; value: T };

/**
 * The result of `load`, run again whenever one of `deps` changes; an older answer never replaces a
 * newer one. With `keep`, the last answer stays shown while the next loads (a refresh, not a new page).
 */
export function useLoaded<T>(load: () => Promise<T>, deps: unknown[], keep = false): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    if (!keep) setLoaded({ state: 'loading' });
    load().then(
      (value) => current && setLoaded({ state: 'ready', value }),
      (error: unknown) => current && setLoaded({ state: 'error', error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return loaded;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

const POLL_MS = 2000;

/**
 * The run's overview, polled every 2 s while the run is being written (a page that depends on
 * `version` reloads its data when new episodes arrive, without reloading the page) and while the
 * server's background scan has not yet read every record (durations and calibration fill in).
 */
export function useLiveOverview(source: string): Loaded<RunOverview> {
  const data = useData();
  const [tick, setTick] = useState(0);
  const overview = useLoaded(() => data.overview(source), [source, tick], true);
  const polling = overview.state === 'ready' && (overview.value.live || (overview.value.durationSeconds?.count ?? 0) < overview.value.episodes);
  useEffect(() => {
    if (!polling) return;
    const timer = setTimeout(() => setTick((n) => n + 1), POLL_MS);
    return () => clearTimeout(timer);
  }, [polling, tick]);
  return overview;
}
