/**
 * What the viewer's app asks for and gets back: the same shapes from the local server
 * (`GET /api/...`, JSON) and from a static bundle (data files loaded from disk). Every string
 * in here may come from an agent or a web page: the app shows it as text, never as HTML.
 */

/** One source the viewer was opened on. */
export interface SourceInfo {
  /** Stable, URL-safe: `r0`, `r1`, ... in the order given on the command line. */
  id: string;
  kind: 'run' | 'training' | 'eval' | 'transfer';
  /** The path as given, for people. */
  path: string;
  /** A short name: the folder's or file's base name. */
  name: string;
}

/** An interval and the count behind it (Wilson 95% for rates). */
export interface Rate {
  n: number;
  successes: number;
  rate: number;
  low: number;
  high: number;
}

export interface Distribution {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  /** Equal-width bins from min to max. */
  bins: { from: number; to: number; count: number }[];
}

/** A rate per value of one field (env, family, job, split, difficulty). */
export interface RateRow extends Rate {
  key: string;
}

export interface RunOverview {
  source: SourceInfo;
  runId: string;
  /** The manifest's spec as written by the rollout (agent, model, context policy, ...): shown as formatted JSON. */
  spec: unknown;
  agent: { kind: string; model: string; contextPolicy: string };
  episodes: number;
  /** True while the run is still being written (no final manifest yet). */
  live: boolean;
  /** Bumps whenever the run has new episodes: the app polls it and refreshes. */
  version: number;
  success: Rate;
  /** success by env, family, job, split and difficulty; feasible and infeasible seeds apart. */
  by: Record<'env' | 'family' | 'job' | 'split' | 'difficulty' | 'feasibility', RateRow[]>;
  /** count per status (success, failure, truncated, agent_error, infra_error, people_error, ...). */
  statuses: Record<string, number>;
  /** Episodes played more than once after infrastructure faults, and the retries they took. */
  retried: { episodes: number; retries: number };
  steps: Distribution;
  promptTokens: Distribution;
  completionTokens: Distribution;
  /** Seconds per episode; undefined until the background scan has read the records. */
  durationSeconds?: Distribution;
  /**
   * Self-evaluation against the verdict, in 10 bins of predicted success; undefined when no
   * episode carried a self-evaluation (or before the background scan has read the records).
   */
  calibration?: { bins: { from: number; to: number; n: number; predicted: number; verified: number }[]; brier: number; episodes: number };
}

/** The filters of the episode list; every field optional. */
export interface EpisodeQuery {
  env?: string;
  family?: string;
  job?: string;
  status?: string;
  split?: string;
  /** 'yes' | 'no'. */
  success?: string;
  /** 'feasible' | 'infeasible'. */
  feasibility?: string;
  minReward?: number;
  maxReward?: number;
  /** Case-insensitive text over the instruction and every tool call (name and arguments). */
  text?: string;
  sort?: 'index' | 'reward' | 'steps' | 'tokens' | 'seed' | 'family' | 'status';
  order?: 'asc' | 'desc';
  /** First row (0-based) and how many rows (at most 500). */
  offset?: number;
  limit?: number;
}

/** One row of the episode list (from the episode index: no record decoded). */
export interface EpisodeRow {
  /** Position in store order: the default sort and the row's stable number. */
  index: number;
  episodeId: string;
  env: string;
  family: string;
  job: string;
  seed: number;
  split: string;
  status: string;
  success: boolean;
  infeasible: boolean;
  finalReward: number;
  steps: number;
  tokens: number;
  attempts: number;
}

export interface EpisodePage {
  /** Rows matching the query, before paging. */
  total: number;
  offset: number;
  rows: EpisodeRow[];
  /** Values present in the run, for the filters' menus. */
  facets: Record<'env' | 'family' | 'job' | 'status' | 'split', string[]>;
  /** False while the text search's index is still being built (then `text` matched what is read so far). */
  textComplete: boolean;
}

/** One state change the verifier saw between reset and the end of the episode. */
export interface StateChangeView {
  key: string;
  before?: string;
  after?: string;
  /** The env cut before or after to its value cap (64 KiB). */
  truncated?: boolean;
}

/** A spreadsheet cell's canonical value (the env kit's JSON), read. */
export interface CellValue {
  value?: string;
  formula?: string;
  format?: string;
}

/** What a person wants to see of one env's state at the end, worked out from the record. */
export type EnvView =
  | { kind: 'browser'; changes: StateChangeView[] }
  | {
      kind: 'code';
      files: {
        path: string;
        status: 'added' | 'removed' | 'changed';
        diff: string;
        /** No text to diff (a binary or big file, a directory, a link): `note` says what changed, e.g. `file 644 sha256:… → file 755 sha256:…`. */
        binary: boolean;
        note?: string;
        truncated?: boolean;
      }[];
    }
  | {
      kind: 'spreadsheet';
      /** `before`/`after`: the canonical JSON as recorded; `was`/`now`: the same, read. */
      cells: { sheet: string; cell: string; before?: string; after?: string; was?: CellValue; now?: CellValue; truncated?: boolean }[];
      /** Other changes of the workbook (sheets added, tables, names), as recorded. */
      other: StateChangeView[];
    }
  | { kind: 'records'; changes: StateChangeView[] };

/** An episode as the episode page shows it: the record, plus what was worked out of it. */
export interface EpisodeView {
  source: SourceInfo;
  /** Position in store order, and its neighbours for keyboard navigation (undefined at either end). */
  index: number;
  previous?: string;
  next?: string;
  /**
   * The record as stored (EpisodeRecord, normalised, as JSON: 64-bit numbers as numbers, bytes
   * never present: images are blob references). The app reads `steps[k].observation.images[i].sha256`
   * and asks `blobUrl(source, sha256)` for the picture.
   */
  record: Record<string, unknown>;
  /** From the record's state changes (and the verdict's detail): what the end state looks like per env. */
  envView: EnvView;
}

export interface CompareRow {
  family: string;
  /** One per compared run, in order. */
  runs: Rate[];
  /** Last run minus first, with a 95% interval (Newcombe's for two Wilson rates). */
  difference: { value: number; low: number; high: number };
}

export interface CompareView {
  sources: SourceInfo[];
  overall: Rate[];
  families: CompareRow[];
  /** Tasks (family, seed, split) that both the first and the last run played, where their success differs. */
  disagreements: { family: string; seed: number; split: string; episodes: { source: string; episodeId: string; success: boolean }[] }[];
}

/** What `workgym train`, `eval` and `transfer` wrote, read back. */
export interface TrainingView {
  source: SourceInfo;
  /** curves.csv and test-curves.csv rows, as columns of numbers/strings by header name. */
  curves?: Record<string, (number | string)[]>;
  testCurves?: Record<string, (number | string)[]>;
  /** An eval report (`eval --json` file, or comparison.json) as it was written. */
  eval?: unknown;
  /** transfer.json as it was written. */
  transfer?: TransferMatrix;
}

/** transfer.json as `workgym transfer` writes it (trainers' TransferReport), the parts the app reads. */
export interface TransferMatrix {
  /** Rows: `untrained` first (unless --no-baseline), then each training set with its envs. */
  trainSets: { name: string; envs: string[] }[];
  testEnvs: string[];
  cells: {
    trainSet: string;
    testEnv: string;
    success: Rate;
    /** Paired with the untrained row over the same test tasks; absent in the untrained row. */
    vsUntrained?: {
      pairs: number;
      difference: number;
      low: number;
      high: number;
      mcnemarP: number;
      onlyUntrained: number;
      onlyTrained: number;
      differs: boolean;
    };
    trainedFamilies?: unknown;
    heldOutFamilies?: unknown;
  }[];
  differsBelowP?: number;
}

/** The calls the app makes; implemented over HTTP (server) and over data files (bundle). */
export interface ViewerData {
  sources(): Promise<SourceInfo[]>;
  overview(source: string): Promise<RunOverview>;
  episodes(source: string, query: EpisodeQuery): Promise<EpisodePage>;
  episode(source: string, episodeId: string, query?: EpisodeQuery): Promise<EpisodeView>;
  compare(sources: string[]): Promise<CompareView>;
  training(source: string): Promise<TrainingView>;
  /** A URL the app may put in an <img src>: same-origin (server) or a relative file (bundle). */
  blobUrl(source: string, sha256: string): string;
}

/**
 * A bundle's episode list (data key `rows:<source>`): the bundled rows in store order, their
 * facets, and per row its lower-cased searchable text; the app pages them with RowTable
 * (model/query.ts), as the server does. See writeBundle.
 */
export interface BundleRows {
  rows: EpisodeRow[];
  facets: EpisodePage['facets'];
  texts: string[];
}
