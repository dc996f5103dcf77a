import type { EpisodeQuery } from '../model/api.js';

/** A page of the app, read from the location's hash (so file:// works and every page has a link). */
export type Route =
  | { page: 'home' }
  | { page: 'overview'; source: string }
  | { page: 'episodes'; source: string; query: EpisodeQuery }
  | { page: 'episode'; source: string; episodeId: string; step?: number; query: EpisodeQuery }
  | { page: 'compare'; sources: string[] }
  | { page: 'training'; source: string }
  | { page: 'not-found' };

const TEXT_KEYS = ['env', 'family', 'job', 'status', 'split', 'success', 'feasibility', 'text'] as const;
const NUMBER_KEYS = ['minReward', 'maxReward', 'offset', 'limit'] as const;
const SORTS: readonly NonNullable<EpisodeQuery['sort']>[] = ['index', 'reward', 'steps', 'tokens', 'seed', 'family', 'status'];

export function parseQuery(search: string): EpisodeQuery {
  const params = new URLSearchParams(search);
  const query: EpisodeQuery = {};
  for (const key of TEXT_KEYS) {
    const value = params.get(key);
    if (value) query[key] = value;
  }
  for (const key of NUMBER_KEYS) {
    const value = Number(params.get(key) ?? '');
    if (params.get(key) && Number.isFinite(value)) query[key] = value;
  }
  const sort = params.get('sort');
  if (sort && (SORTS as string[]).includes(sort)) query.sort = sort as EpisodeQuery['sort'];
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') query.order = order;
  return query;
}

export function formatQuery(query: EpisodeQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split(/\?(.*)/s);
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeSafely(part));
  const [head, source, sub, episodeId, stepWord, step] = parts;
  if (parts.length === 0) return { page: 'home' };
  if (head === 'run' && source !== undefined) {
    if (parts.length === 2) return { page: 'overview', source };
    if (sub === 'episodes' && parts.length === 3) return { page: 'episodes', source, query: parseQuery(search) };
    if (sub === 'episode' && episodeId !== undefined) {
      const query = parseQuery(search);
      if (parts.length === 4) return { page: 'episode', source, episodeId, query };
      if (stepWord === 'step' && parts.length === 6 && /^\d+$/.test(step ?? '')) return { page: 'episode', source, episodeId, step: Number(step), query };
    }
  }
  if (head === 'compare' && source !== undefined && parts.length === 2) return { page: 'compare', sources: source.split(',').filter(Boolean) };
  if (head === 'training' && source !== undefined && parts.length === 2) return { page: 'training', source };
  return { page: 'not-found' };
}

function decodeSafely(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

const seg = encodeURIComponent;

export const href = {
  home: () => '#/',
  overview: (source: string) => `#/run/${seg(source)}`,
  episodes: (source: string, query: EpisodeQuery = {}) => `#/run/${seg(source)}/episodes${formatQuery(query)}`,
  episode: (source: string, episodeId: string, query: EpisodeQuery = {}, step?: number) =>
    `#/run/${seg(source)}/episode/${seg(episodeId)}${step === undefined ? '' : `/step/${step}`}${formatQuery(listContext(query))}`,
  compare: (sources: string[]) => `#/compare/${sources.map(seg).join(',')}`,
  training: (source: string) => `#/training/${seg(source)}`,
};

/** What an episode link keeps of the list it came from: the filters and order (for n/p), not the page. */
export function listContext(query: EpisodeQuery): EpisodeQuery {
  const { offset: _offset, limit: _limit, ...rest } = query;
  return rest;
}
