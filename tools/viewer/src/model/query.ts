import type { EpisodePage, EpisodeQuery, EpisodeRow } from './api.js';

/** A query the list cannot answer: said in one line (the server answers 400 with it). */
export class QueryError extends Error {}

export const SORTS = ['index', 'reward', 'steps', 'tokens', 'seed', 'family', 'status'] as const;
export type SortKey = (typeof SORTS)[number];
export const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;
const FACETS = ['env', 'family', 'job', 'status', 'split'] as const;
const TEXT_FIELDS = ['env', 'family', 'job', 'status', 'split', 'success', 'feasibility', 'text'] as const;

/** Reads the list's query from URL parameters; anything malformed is a QueryError. */
export function parseEpisodeQuery(params: URLSearchParams): EpisodeQuery {
  const query: EpisodeQuery = {};
  for (const field of TEXT_FIELDS) {
    const value = params.get(field);
    if (value !== null && value !== '') query[field] = value;
  }
  oneOf(query.success, ['yes', 'no'], 'success');
  oneOf(query.feasibility, ['feasible', 'infeasible'], 'feasibility');
  const sort = params.get('sort');
  if (sort) query.sort = oneOf(sort, SORTS, 'sort') as SortKey;
  const order = params.get('order');
  if (order) query.order = oneOf(order, ['asc', 'desc'], 'order') as 'asc' | 'desc';
  const minReward = numberParam(params, 'minReward', -Infinity);
  if (minReward !== undefined) query.minReward = minReward;
  const maxReward = numberParam(params, 'maxReward', -Infinity);
  if (maxReward !== undefined) query.maxReward = maxReward;
  const offset = numberParam(params, 'offset', 0, true);
  if (offset !== undefined) query.offset = offset;
  const limit = numberParam(params, 'limit', 1, true);
  if (limit !== undefined) {
    if (limit > MAX_PAGE) throw new QueryError(`limit is at most ${MAX_PAGE}, not ${limit}`);
    query.limit = limit;
  }
  return query;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): string | undefined {
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw new QueryError(`${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value.slice(0, 40))}`);
  }
  return value;
}

function numberParam(params: URLSearchParams, name: string, min: number, integer = false): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new QueryError(`${name} must be ${integer ? `an integer >= ${min}` : 'a number'}, not ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return value;
}

const SORT_VALUE: Record<SortKey, (row: EpisodeRow) => number | string> = {
  index: (r) => r.index,
  reward: (r) => r.finalReward,
  steps: (r) => r.steps,
  tokens: (r) => r.tokens,
  seed: (r) => r.seed,
  family: (r) => r.family,
  status: (r) => r.status,
};

/**
 * The episode list over rows held in memory: filters, sorts (each sort order computed once and
 * kept), pages. The server keeps one per run version; a bundle's app builds one from its rows.
 * `texts[i]` is row i's lower-cased searchable text, or undefined while not read yet.
 */
export class RowTable {
  private readonly orders = new Map<string, Uint32Array>();
  private facetValues?: EpisodePage['facets'];

  constructor(
    readonly rows: readonly EpisodeRow[],
    private readonly texts: readonly (string | undefined)[] = [],
    private readonly textComplete = true,
  ) {}

  get facets(): EpisodePage['facets'] {
    this.facetValues ??= Object.fromEntries(FACETS.map((f) => [f, [...new Set(this.rows.map((r) => r[f]))].sort()])) as EpisodePage['facets'];
    return this.facetValues;
  }

  page(query: EpisodeQuery): EpisodePage {
    const offset = query.offset ?? 0;
    const limit = Math.min(query.limit ?? DEFAULT_PAGE, MAX_PAGE);
    const rows: EpisodeRow[] = [];
    let total = 0;
    this.each(query, (row) => {
      if (total >= offset && rows.length < limit) rows.push(row);
      total++;
    });
    return { total, offset, rows, facets: this.facets, textComplete: this.textComplete || query.text === undefined };
  }

  /** The rows before and after `episodeId` in the query's order (the episode page's neighbours). */
  neighbours(episodeId: string, query: EpisodeQuery = {}): { previous?: string; next?: string } {
    let previous: string | undefined;
    let found = false;
    let next: string | undefined;
    this.each(query, (row) => {
      if (next !== undefined) return;
      if (found) next = row.episodeId;
      else if (row.episodeId === episodeId) found = true;
      else previous = row.episodeId;
    });
    return found ? { ...(previous !== undefined ? { previous } : {}), ...(next !== undefined ? { next } : {}) } : {};
  }

  private each(query: EpisodeQuery, visit: (row: EpisodeRow) => void): void {
    const matches = matcher(query, this.texts);
    for (const i of this.order(query.sort ?? 'index', query.order ?? 'asc')) {
      const row = this.rows[i]!;
      if (matches(row, i)) visit(row);
    }
  }

  private order(sort: SortKey, direction: 'asc' | 'desc'): Uint32Array {
    const key = `${sort}:${direction}`;
    let order = this.orders.get(key);
    if (!order) {
      order = Uint32Array.from(this.rows.keys());
      if (sort !== 'index') {
        const values = this.rows.map(SORT_VALUE[sort]);
        // Ties keep store order in both directions, so paging is stable.
        order.sort(direction === 'asc' ? (a, b) => compare(values[a]!, values[b]!) || a - b : (a, b) => compare(values[b]!, values[a]!) || a - b);
      } else if (direction === 'desc') order.reverse();
      this.orders.set(key, order);
    }
    return order;
  }
}

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function matcher(query: EpisodeQuery, texts: readonly (string | undefined)[]): (row: EpisodeRow, i: number) => boolean {
  const tests: ((row: EpisodeRow, i: number) => boolean)[] = [];
  for (const field of FACETS) {
    const wanted = query[field];
    if (wanted !== undefined) tests.push((row) => row[field] === wanted);
  }
  if (query.success !== undefined) tests.push((row) => row.success === (query.success === 'yes'));
  if (query.feasibility !== undefined) tests.push((row) => row.infeasible === (query.feasibility === 'infeasible'));
  const { minReward, maxReward } = query;
  if (minReward !== undefined) tests.push((row) => row.finalReward >= minReward);
  if (maxReward !== undefined) tests.push((row) => row.finalReward <= maxReward);
  if (query.text !== undefined) {
    const needle = query.text.toLowerCase();
    tests.push((_row, i) => texts[i]?.includes(needle) ?? false);
  }
  return (row, i) => tests.every((test) => test(row, i));
}
