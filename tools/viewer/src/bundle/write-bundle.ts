import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpisodeSummary } from '@workgym/trajectories';
import type { BundleRows, EpisodeQuery, EpisodeView, SourceInfo } from '../model/api.js';
import { compareRuns } from '../model/compare.js';
import { envViewOf } from '../model/env-view.js';
import { parseEpisodeQuery, QueryError, RowTable } from '../model/query.js';
import { CSP, IMAGE_TYPES } from '../server/headers.js';
import { recordJson } from '../server/record-json.js';
import { RunSource } from '../server/run-source.js';
import { openSources } from '../server/sources.js';
import { DEFAULT_APP_DIR } from '../server/viewer-server.js';

export interface BundleOptions {
  sources: string[];
  /** A new (or empty) folder. */
  out: string;
  /** Which episodes of each run: episode ids, comma-separated, or a list query (`family=code/x&status=failure`); default all. */
  episodes?: string;
  appDir?: string;
}

export interface BundleReport {
  episodes: number;
  blobs: number;
  /** The page to open: OUT/index.html. */
  index: string;
}

/** The bundle cannot be written where asked, or from what was given: one line. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

/** frame-ancestors has no effect in a meta tag (browsers ignore it there with a warning). */
const META_CSP = CSP.replace(/; frame-ancestors [^;]*/, '');

/**
 * Writes the viewer as a static site that opens from disk with no server: the app's files,
 * every answer the app would ask the server for as `data/*.js` script files
 * (`window.__workgym.put(key, json)`), and the images under `blobs/`. The format is in
 * docs/viewer.md ("Serving and bundles").
 */
export async function writeBundle(options: BundleOptions): Promise<BundleReport> {
  const selection = parseSelection(options.episodes);
  await prepareOut(options.out);
  const appDir = options.appDir ?? DEFAULT_APP_DIR;
  if (!existsSync(join(appDir, 'index.html')))
    throw new BundleError(`the app is not built (no ${join(appDir, 'index.html')}): run \`npm run build -w @workgym/viewer\``);
  const sources = await openSources(options.sources);
  try {
    await cp(appDir, options.out, { recursive: true });
    await markIndex(join(options.out, 'index.html'));
    const writer = new DataWriter(options.out);
    const blobs: Record<string, string> = {};
    const selected: { source: SourceInfo; summaries: EpisodeSummary[] }[] = [];
    let episodes = 0;
    for (const source of sources) {
      if (source instanceof RunSource) {
        const summaries = await writeRun(writer, source, selection, blobs);
        selected.push({ source: source.info, summaries });
        episodes += summaries.length;
      } else {
        await writer.put(`${source.info.id}/training.js`, `training:${source.info.id}`, await source.training());
      }
    }
    if (selected.length >= 2) await writer.put('compare.js', 'compare', compareRuns(selected));
    await writer.put(
      'sources.js',
      'sources',
      sources.map((s) => s.info),
      { blobs },
    );
    return { episodes, blobs: Object.keys(blobs).length, index: join(options.out, 'index.html') };
  } finally {
    await Promise.all(sources.map((s) => (s instanceof RunSource ? s.close() : undefined)));
  }
}

type Selection = { ids: Set<string> } | { query: EpisodeQuery } | undefined;

function parseSelection(episodes: string | undefined): Selection {
  if (episodes === undefined || episodes.trim() === '') return undefined;
  if (!episodes.includes('='))
    return {
      ids: new Set(
        episodes
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      ),
    };
  try {
    const { offset: _offset, limit: _limit, ...query } = parseEpisodeQuery(new URLSearchParams(episodes));
    return { query };
  } catch (error) {
    if (error instanceof QueryError) throw new BundleError(`--episodes: ${error.message}`);
    throw error;
  }
}

async function prepareOut(out: string): Promise<void> {
  const names = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    if (error.code === 'ENOTDIR') throw new BundleError(`${out} is a file: pick a new folder for the bundle`);
    throw error;
  });
  if (names.length > 0) throw new BundleError(`${out} is not empty: pick a new folder for the bundle`);
  await mkdir(out, { recursive: true });
}

/** The CSP as a meta tag (no server sends headers from disk) and the mark that tells the app to read data files. */
async function markIndex(path: string): Promise<void> {
  const html = await readFile(path, 'utf8');
  const tags = `<meta http-equiv="Content-Security-Policy" content="${META_CSP}"><meta name="workgym-bundle" content="1">`;
  const at = html.search(/<head[^>]*>/i);
  if (at < 0) throw new BundleError(`${path} has no <head>: the app's build is not what the bundle expects`);
  const end = html.indexOf('>', at) + 1;
  await writeFile(path, html.slice(0, end) + tags + html.slice(end));
}

async function writeRun(writer: DataWriter, source: RunSource, selection: Selection, blobs: Record<string, string>): Promise<EpisodeSummary[]> {
  await source.scanned();
  const id = source.info.id;
  const all = source.summaries();
  const texts = source.texts();
  const picked = pick(source, selection);
  const rows = picked.map((i) => source.rows()[i]!);
  const bundleRows: BundleRows = { rows, facets: new RowTable(rows).facets, texts: picked.map((i) => texts[i] ?? '') };
  const table = new RowTable(rows, bundleRows.texts);
  const summaries = picked.map((i) => all[i]!);
  for (const [k, summary] of summaries.entries()) {
    const record = await source.reader().read(summary);
    source.noteImages(record);
    const view: EpisodeView = {
      source: source.info,
      index: rows[k]!.index,
      ...table.neighbours(summary.episodeId),
      record: recordJson(record),
      envView: envViewOf(record),
    };
    await writer.put(`${id}/episode-${rows[k]!.index}.js`, `episode:${id}:${summary.episodeId}`, view);
    await copyImages(writer.out, source, record, blobs);
  }
  await writer.put(`${id}/rows.js`, `rows:${id}`, bundleRows);
  await writer.put(`${id}/overview.js`, `overview:${id}`, await source.overview(summaries));
  return summaries;
}

/** Indexes (store order) of the rows the selection keeps. */
function pick(source: RunSource, selection: Selection): number[] {
  const rows = source.rows();
  if (selection === undefined) return rows.map((r) => r.index);
  if ('ids' in selection) return rows.filter((r) => selection.ids.has(r.episodeId)).map((r) => r.index);
  const table = new RowTable(rows, source.texts());
  const picked: number[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = table.page({ ...selection.query, sort: 'index', order: 'asc', offset, limit: 500 });
    picked.push(...page.rows.map((r) => r.index));
    if (offset + 500 >= page.total) return picked;
  }
}

async function copyImages(
  out: string,
  source: RunSource,
  record: { steps?: { observation?: { images?: { sha256?: string | null }[] | null } | null }[] | null },
  blobs: Record<string, string>,
): Promise<void> {
  for (const step of record.steps ?? []) {
    for (const image of step.observation?.images ?? []) {
      const sha = image.sha256;
      if (!sha || !/^[0-9a-f]{64}$/.test(sha) || blobs[sha]) continue;
      const found = await source.blob(sha);
      if (!found) continue;
      const name = `blobs/${sha}.${(found.mime && IMAGE_TYPES[found.mime]) ?? 'bin'}`;
      await mkdir(join(out, 'blobs'), { recursive: true });
      await writeFile(join(out, name), found.bytes);
      blobs[sha] = name;
    }
  }
}

/** Writes data files: each one or more `window.__workgym.put(key, JSON.parse(json));` lines. */
class DataWriter {
  private readonly made = new Set<string>();

  constructor(readonly out: string) {}

  async put(file: string, key: string, value: unknown, more: Record<string, unknown> = {}): Promise<void> {
    const path = join(this.out, 'data', file);
    const dir = join(path, '..');
    if (!this.made.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.made.add(dir);
    }
    // A JSON text read as an object literal would make a key named __proto__ the value's
    // prototype; JSON.parse keeps it a key like any other.
    const lines = Object.entries({ [key]: value, ...more }).map(
      ([k, v]) => `window.__workgym.put(${JSON.stringify(k)}, JSON.parse(${JSON.stringify(JSON.stringify(v))}));\n`,
    );
    await writeFile(path, lines.join(''));
  }
}
