import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openRun } from '@workgym/trajectories';
import type { EpisodeRecord, EpisodeSummary, RunReader } from '@workgym/trajectories';
import type { EpisodePage, EpisodeQuery, EpisodeRow, EpisodeView, RunOverview, SourceInfo } from '../model/api.js';
import { envViewOf } from '../model/env-view.js';
import { runOverview, withScan } from '../model/overview.js';
import { recordFacts } from '../model/record-facts.js';
import type { RecordFacts } from '../model/record-facts.js';
import { RowTable } from '../model/query.js';
import { rowOf } from '../model/rows.js';
import { recordJson } from './record-json.js';

/** A live run is looked at again at most this often: a stat of a few files per look. */
const REFRESH_MS = 1000;
/** A replaced reader stays open this long, for requests still reading through it. */
const RETIRE_MS = 30_000;
/** The background scan lets requests in between batches of this many records. */
const SCAN_BATCH = 64;
/** The scan starts this long after the run is opened. */
const SCAN_DELAY_MS = 1000;

interface Snapshot {
  reader: RunReader;
  summaries: EpisodeSummary[];
  rows: EpisodeRow[];
  /** Row index by episode id: made on first use (an episode page, the scan), not before the first list page. */
  byId?: Map<string, number>;
  table: RowTable;
  texts: (string | undefined)[];
}

/**
 * One run the viewer serves: the episode index in memory (rows, cached sort orders), records
 * read one at a time on request, and a background scan of every record for the text search,
 * durations and self-evaluations. Never writes into the run. While the run is written it is
 * re-opened when its files change, and `version` bumps.
 */
export class RunSource {
  version = 0;
  private snapshot!: Snapshot;
  private fingerprint = '';
  private checkedAt = 0;
  private refreshing?: Promise<void>;
  private readonly facts = new Map<string, RecordFacts>();
  /** Image mime types by blob sha256, from the records read (the blob store keeps none). */
  readonly mimes = new Map<string, string>();
  private scanning?: Promise<void>;
  private scanDelay?: NodeJS.Timeout;
  private scanError?: Error;
  private closed = false;
  private readonly retiring = new Set<NodeJS.Timeout>();

  private constructor(
    readonly info: SourceInfo,
    private readonly dir: string,
  ) {}

  static async open(info: SourceInfo, dir: string): Promise<RunSource> {
    const source = new RunSource(info, dir);
    source.fingerprint = await runFingerprint(dir);
    source.snapshot = await source.load();
    // The first list page and episode page come first; the scan then takes what CPU is left.
    source.scanDelay = setTimeout(() => source.startScan(), SCAN_DELAY_MS);
    source.scanDelay.unref();
    return source;
  }

  get live(): boolean {
    return this.snapshot.reader.manifest.status !== 'finalised';
  }

  get scanComplete(): boolean {
    return this.scanning === undefined && this.snapshot.texts.every((t) => t !== undefined);
  }

  /** Sees whether the run's files changed (at most once a second) and re-opens it if they did. */
  async refresh(): Promise<void> {
    if (this.closed || Date.now() - this.checkedAt < REFRESH_MS) return this.refreshing;
    this.checkedAt = Date.now();
    this.refreshing ??= this.reload().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The run's overview, or that of some of its episodes (a bundle's selection). */
  async overview(only?: readonly EpisodeSummary[]): Promise<RunOverview> {
    await this.refresh();
    const summaries = only ?? this.snapshot.summaries;
    // The app polls it on a live run: the index's figures change only with the run's version.
    let fromIndex = only ? undefined : this.indexOverview;
    if (fromIndex?.version !== this.version) {
      const { reader } = this.snapshot;
      const live = only ? false : this.live;
      fromIndex = runOverview(
        this.info,
        { runId: reader.manifest.runId, spec: reader.manifest.spec, agent: await this.agent(), live, version: this.version },
        summaries,
      );
      if (!only) this.indexOverview = fromIndex;
    }
    const durations: number[] = [];
    const selfEvaluations: { predicted: number; success: boolean }[] = [];
    for (const s of summaries) {
      const f = this.facts.get(s.episodeId);
      if (f?.durationSeconds !== undefined) durations.push(f.durationSeconds);
      if (f?.selfEvaluation !== undefined) selfEvaluations.push({ predicted: f.selfEvaluation, success: s.success });
    }
    return withScan(fromIndex, { durations, selfEvaluations });
  }

  private indexOverview?: RunOverview;

  async episodes(query: EpisodeQuery): Promise<EpisodePage> {
    await this.refresh();
    const page = this.snapshot.table.page(query);
    return { ...page, textComplete: query.text === undefined || this.scanComplete };
  }

  /** The episode's record and what was worked out of it; undefined when the run has no such episode. */
  async episode(episodeId: string, query: EpisodeQuery = {}): Promise<EpisodeView | undefined> {
    await this.refresh();
    const { reader, table } = this.snapshot;
    const index = this.indexOf(episodeId);
    if (index === undefined) return undefined;
    const record = (await reader.get(episodeId))!;
    this.noteImages(record);
    return { source: this.info, index, ...table.neighbours(episodeId, query), record: recordJson(record), envView: envViewOf(record) };
  }

  /** A blob's bytes and the image type the records gave it (undefined: not an image we know of). */
  async blob(sha256: string): Promise<{ bytes: Buffer; mime?: string } | undefined> {
    const bytes = await this.snapshot.reader.blob(sha256).catch((error: unknown) => {
      if ((error as Error).name === 'BlobNotFoundError') return undefined;
      throw error;
    });
    return bytes && { bytes, mime: this.mimes.get(sha256) };
  }

  summaries(): EpisodeSummary[] {
    return this.snapshot.summaries;
  }

  rows(): EpisodeRow[] {
    return this.snapshot.rows;
  }

  reader(): RunReader {
    return this.snapshot.reader;
  }

  /** Waits until every record has been scanned (the bundle writer and tests need the whole text). */
  async scanned(): Promise<void> {
    if (!this.scanComplete) this.startScan();
    while (this.scanning) await this.scanning;
    if (this.scanError) throw this.scanError;
  }

  /** The searchable text of each row, undefined where not scanned yet. */
  texts(): (string | undefined)[] {
    return this.snapshot.texts;
  }

  noteImages(record: EpisodeRecord): void {
    for (const step of record.steps ?? []) {
      for (const image of step.observation?.images ?? []) {
        if (image.sha256 && image.mimeType) this.mimes.set(image.sha256, image.mimeType);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.scanDelay);
    for (const timer of this.retiring) clearTimeout(timer);
    await this.scanning?.catch(() => undefined);
    await this.snapshot.reader.close();
  }

  private agentInfo?: RunOverview['agent'];

  private async agent(): Promise<RunOverview['agent']> {
    if (this.agentInfo) return this.agentInfo;
    const first = this.snapshot.summaries[0];
    if (!first) return { kind: '', model: '', contextPolicy: '' };
    const agent = (await this.snapshot.reader.read(first)).agent;
    this.agentInfo = { kind: agent?.kind ?? '', model: agent?.model ?? '', contextPolicy: agent?.contextPolicy ?? '' };
    return this.agentInfo;
  }

  private indexOf(episodeId: string): number | undefined {
    const snapshot = this.snapshot;
    snapshot.byId ??= new Map(snapshot.rows.map((r) => [r.episodeId, r.index]));
    return snapshot.byId.get(episodeId);
  }

  private async load(): Promise<Snapshot> {
    const reader = await openRun(this.dir);
    const summaries = reader.summaries();
    const rows = summaries.map(rowOf);
    const texts = summaries.map((s) => this.facts.get(s.episodeId)?.text);
    return { reader, summaries, rows, table: new RowTable(rows, texts), texts };
  }

  private async reload(): Promise<void> {
    const fingerprint = await runFingerprint(this.dir);
    if (fingerprint === this.fingerprint || this.closed) return;
    const old = this.snapshot.reader;
    this.snapshot = await this.load();
    this.fingerprint = fingerprint;
    this.version++;
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      void old.close();
    }, RETIRE_MS);
    timer.unref();
    this.retiring.add(timer);
    this.startScan();
  }

  private startScan(): void {
    if (this.scanning || this.closed) return;
    clearTimeout(this.scanDelay);
    this.scanning = this.scan()
      .catch((error: unknown) => void (this.scanError = error as Error))
      .finally(() => {
        this.scanning = undefined;
        // The run may have grown while the scan read the version before.
        if (!this.closed && this.snapshot.texts.some((t) => t === undefined) && !this.scanError) this.startScan();
      });
  }

  private async scan(): Promise<void> {
    const { reader, summaries } = this.snapshot;
    const missing = summaries.filter((s) => !this.facts.has(s.episodeId));
    if (missing.length === 0) return;
    // A whole run reads fastest front to back; what a later version added, by offset.
    const records = missing.length === summaries.length ? reader.records() : reader.recordsFor(missing);
    let n = 0;
    for await (const record of records) {
      if (this.closed) return;
      const facts = recordFacts(record);
      const id = record.episodeId ?? '';
      this.facts.set(id, facts);
      this.noteImages(record);
      // The current snapshot's: a reload during the scan built its texts from the facts so far.
      const index = this.indexOf(id);
      if (index !== undefined) this.snapshot.texts[index] = facts.text;
      if (++n % SCAN_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** What changes when a writer appends or flushes: the run's small files, and each shard's size. */
async function runFingerprint(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const name of ['manifest.json', 'index.json', 'episodes.idx']) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    parts.push(s ? `${name}:${s.size}:${s.mtimeMs}` : `${name}:-`);
  }
  const shards = join(dir, 'shards');
  for (const name of (await readdir(shards).catch(() => [])).sort()) {
    const s = await stat(join(shards, name)).catch(() => undefined);
    parts.push(`${name}:${s?.size ?? '-'}`);
  }
  return parts.join('|');
}
