import type { CompareView, EpisodePage, EpisodeView, RunOverview, SourceInfo, TrainingView } from '../model/api.js';
import { compareRuns } from '../model/compare.js';
import { parseEpisodeQuery, QueryError } from '../model/query.js';
import { RunSource } from './run-source.js';
import type { Source } from './sources.js';

/** An answer other than 200: its status and one line. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type ApiAnswer = { json: unknown } | { blob: Buffer; mime?: string; sha: string };

const SHA256 = /^[0-9a-f]{64}$/;

/** Answers GET /api/<name>?<params> over the sources. */
export async function answerApi(name: string, params: URLSearchParams, sources: readonly Source[]): Promise<ApiAnswer> {
  const source = (key = 'source') => findSource(sources, params.get(key));
  const run = (key = 'source') => runOf(source(key));
  switch (name) {
    case 'sources':
      return { json: sources.map((s) => s.info) satisfies SourceInfo[] };
    case 'overview':
      return { json: (await run().overview()) satisfies RunOverview };
    case 'episodes': {
      const r = run();
      return { json: (await r.episodes(query(params))) satisfies EpisodePage };
    }
    case 'episode': {
      const r = run();
      const id = params.get('id');
      if (!id) throw new HttpError(400, 'id is missing: /api/episode?source=r0&id=<episode id>');
      const view = await r.episode(id, query(params));
      if (!view) throw new HttpError(404, `${r.info.id} has no episode ${JSON.stringify(id.slice(0, 100))}`);
      return { json: view satisfies EpisodeView };
    }
    case 'compare':
      return { json: await compare(params, sources) };
    case 'training': {
      const s = source();
      if (s instanceof RunSource) throw new HttpError(400, `${s.info.id} is a run: ask /api/overview for it`);
      return { json: (await s.training()) satisfies TrainingView };
    }
    case 'blob':
      return blob(run(), params.get('sha'));
    default:
      throw new HttpError(404, `no such API: /api/${name.slice(0, 40)}`);
  }
}

function query(params: URLSearchParams) {
  try {
    return parseEpisodeQuery(params);
  } catch (error) {
    if (error instanceof QueryError) throw new HttpError(400, error.message);
    throw error;
  }
}

function findSource(sources: readonly Source[], id: string | null): Source {
  if (!id) throw new HttpError(400, 'source is missing (r0, r1, ...: see /api/sources)');
  const found = sources.find((s) => s.info.id === id);
  if (!found) throw new HttpError(404, `no source ${JSON.stringify(id.slice(0, 40))} (see /api/sources)`);
  return found;
}

function runOf(source: Source): RunSource {
  if (!(source instanceof RunSource)) throw new HttpError(400, `${source.info.id} is a ${source.info.kind} source, not a run: ask /api/training for it`);
  return source;
}

async function compare(params: URLSearchParams, sources: readonly Source[]): Promise<CompareView> {
  const ids = (params.get('sources') ?? '').split(',').filter((id) => id !== '');
  if (ids.length < 2) throw new HttpError(400, 'sources needs two runs or more: /api/compare?sources=r0,r1');
  const runs = ids.map((id) => runOf(findSource(sources, id)));
  await Promise.all(runs.map((r) => r.refresh()));
  return compareRuns(runs.map((r) => ({ source: r.info, summaries: r.summaries() })));
}

async function blob(run: RunSource, sha: string | null): Promise<ApiAnswer> {
  if (!sha || !SHA256.test(sha)) throw new HttpError(400, 'sha must be 64 lower-case hex digits');
  const found = await run.blob(sha);
  if (!found) throw new HttpError(404, `${run.info.id} has no blob ${sha}`);
  return { blob: found.bytes, sha, ...(found.mime ? { mime: found.mime } : {}) };
}
