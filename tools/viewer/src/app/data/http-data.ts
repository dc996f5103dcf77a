import type { EpisodeQuery, ViewerData } from '../../model/api.js';

/** The viewer's data from the local server (`workgym view`), which serves the app at /. */
export function httpData(): ViewerData {
  return {
    sources: () => getJson('sources', {}),
    overview: (source) => getJson('overview', { source }),
    episodes: (source, query) => getJson('episodes', { source, ...queryParams(query) }),
    episode: (source, episodeId, query = {}) => getJson('episode', { source, id: episodeId, ...queryParams(query) }),
    compare: (sources) => getJson('compare', { sources: sources.join(',') }),
    training: (source) => getJson('training', { source }),
    blobUrl: (source, sha256) => `/api/blob?${new URLSearchParams({ source, sha: sha256 })}`,
  };
}

function queryParams(query: EpisodeQuery): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params[key] = String(value);
  return params;
}

async function getJson<T>(path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`/api/${path}?${new URLSearchParams(params)}`);
  if (!response.ok) throw new Error(await errorLine(response));
  return (await response.json()) as T;
}

async function errorLine(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // not JSON: the status says enough
  }
  return `${response.status} ${response.statusText}`;
}
