import type { BundleRows, CompareView, EpisodeView, SourceInfo, ViewerData } from '../../model/api.js';
import { RowTable } from '../../model/query.js';

declare global {
  interface Window {
    __workgym?: { put(key: string, value: unknown): void };
  }
}

/** True when this page is a static bundle (`workgym view --bundle`): writeBundle marks its index.html. */
export function isBundle(): boolean {
  return document.querySelector('meta[name="workgym-bundle"]') !== null;
}

/**
 * The viewer's data from a bundle's files: each `data/...js` file calls `window.__workgym.put(key, value)`;
 * they are loaded with <script src> on demand (fetch and XHR cannot read file://).
 */
export function bundleData(): ViewerData {
  const values = new Map<string, unknown>();
  const loads = new Map<string, Promise<void>>();
  window.__workgym = { put: (key, value) => void values.set(key, value) };

  function load(file: string): Promise<void> {
    let loading = loads.get(file);
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = file;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error(`${file} is not in this bundle`));
        document.head.append(script);
      });
      loads.set(file, loading);
    }
    return loading;
  }

  async function value<T>(file: string, key: string): Promise<T> {
    await load(file);
    if (!values.has(key)) throw new Error(`${key} is not in this bundle`);
    return values.get(key) as T;
  }

  const sources = () => value<SourceInfo[]>('data/sources.js', 'sources');
  // Source ids become file paths: only the bundle's own ids are used.
  async function folder(source: string): Promise<string> {
    const known = await sources();
    if (!known.some((info) => info.id === source) || !/^[\w-]+$/.test(source)) throw new Error(`no source ${source} in this bundle`);
    return `data/${source}`;
  }
  const tables = new Map<string, RowTable>();
  async function table(source: string): Promise<RowTable> {
    const bundled = await value<BundleRows>(`${await folder(source)}/rows.js`, `rows:${source}`);
    let rows = tables.get(source);
    if (!rows) tables.set(source, (rows = new RowTable(bundled.rows, bundled.texts)));
    return rows;
  }
  let blobs: Record<string, string> = {};
  const ready = value<Record<string, string>>('data/sources.js', 'blobs').then(
    (map) => void (blobs = map),
    () => undefined,
  );

  return {
    sources: async () => (await ready, sources()),
    overview: async (source) => value(`${await folder(source)}/overview.js`, `overview:${source}`),
    episodes: async (source, query) => (await table(source)).page(query),
    episode: async (source, episodeId, query = {}) => {
      const rows = await table(source);
      const row = rows.rows.find((candidate) => candidate.episodeId === episodeId);
      if (!row) throw new Error(`episode ${episodeId} is not in this bundle`);
      const view = await value<EpisodeView>(`${await folder(source)}/episode-${row.index}.js`, `episode:${source}:${episodeId}`);
      // The run's neighbours may lie outside the bundled selection: step through the selection instead.
      const { previous: _previous, next: _next, ...rest } = view;
      return { ...rest, ...rows.neighbours(episodeId, query) };
    },
    compare: async (asked) => {
      const view = await value<CompareView>('data/compare.js', 'compare');
      if (view.sources.map((info) => info.id).join(',') !== asked.join(','))
        throw new Error(`this bundle compares ${view.sources.map((info) => info.id).join(', ')} only`);
      return view;
    },
    training: async (source) => value(`${await folder(source)}/training.js`, `training:${source}`),
    blobUrl: (_source, sha256) => (Object.hasOwn(blobs, sha256) ? (blobs[sha256] ?? '') : ''),
  };
}
