import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDirSync } from '../storage/atomic-file.js';
import type { EpisodeSummary } from '../run/episode-summary.js';
import { CorruptRecordError, ExportOptionsError, UnknownContextPolicyError } from '../errors.js';
import { openAIChatRows, openAIPreferenceRow } from './openai.js';
import type { OpenAIChatOptions } from './openai.js';
import { rlParquet } from './rl-parquet.js';
import { emptyShareGptLimits, shareGptDatasetInfo, shareGptRows } from './sharegpt.js';
import type { ShareGptLimits } from './sharegpt.js';
import { ArgumentsNotObject } from './arguments-not-object.js';
import { trlChatRows, trlPreferenceRow } from './trl.js';
import { buildPreferencePairs } from '../views/preference-pairs.js';
import type { PairingReport } from '../views/preference-pairs.js';
import { EpisodeRecordMessage } from '../record/record.js';
import type { EpisodeRecord } from '../record/record.js';
import { openRun } from '../run/run-reader.js';
import type { RunReader } from '../run/run-reader.js';
import { selectEpisodes } from '../views/select-episodes.js';
import type { SelectOptions } from '../views/select-episodes.js';
import { isTestEpisode, refuseTestEpisodes, TEST_CANARY } from '../views/test-split.js';
import { refuseMixedVerifiers } from '../views/verifier-versions.js';
import { namingFile } from '../storage/write-failure.js';

export const EXPORT_FORMATS = ['openai', 'openai-dpo', 'trl', 'trl-dpo', 'sharegpt', 'rl-parquet', 'proto'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions extends SelectOptions, OpenAIChatOptions {
  format: ExportFormat;
  /** The file to write (replaced atomically; its folder is created). */
  out: string;
  /**
   * Leave out damaged records (a failed checksum, a file cut short) instead of failing the
   * export; the report counts and names them.
   */
  skipDamaged?: boolean;
  /** Stops the export (rejecting with the signal's reason); nothing is left at `out`. */
  signal?: AbortSignal;
  /**
   * Export test-split episodes too (refused otherwise, before anything is written); each row of
   * one carries TEST_CANARY.
   */
  includeTest?: boolean;
  /** Export a family's episodes judged by different verifier versions together (refused otherwise). */
  mixVerifiers?: boolean;
}

export interface ExportReport {
  format: ExportFormat;
  out: string;
  /** Episodes that passed the filters and shaping. */
  episodes: number;
  /** Rows (lines, Parquet rows, protobuf frames) written. */
  rows: number;
  bytes: number;
  /** Episodes or pairs left out, by reason. */
  skipped: Record<string, number>;
  /** Episodes left out because their records are damaged (skipDamaged). */
  damaged: string[];
  /** What the format could not express and how it was handled (sharegpt). */
  limits?: ShareGptLimits;
  pairing?: PairingReport;
  notes: string[];
}

const PREFERENCE_FORMATS = new Set<ExportFormat>(['openai-dpo', 'trl-dpo']);

/**
 * Writes a training file from a run. The same run and options always give byte-identical
 * files: episodes are taken in episode-id order, JSON keys in a fixed order, and nothing
 * time- or machine-dependent is written.
 */
export async function exportRun(run: string | RunReader, options: ExportOptions): Promise<ExportReport> {
  checkOptions(options);
  options.signal?.throwIfAborted();
  const reader = typeof run === 'string' ? await openRun(run) : run;
  try {
    const picked = selectEpisodes(reader.summaries(), options);
    refuseTestEpisodes(picked, options.includeTest);
    refuseMixedVerifiers(picked, options.mixVerifiers);
    const report: ExportReport = {
      format: options.format,
      out: options.out,
      episodes: picked.length,
      rows: 0,
      bytes: 0,
      skipped: {},
      damaged: [],
      notes: [],
    };
    checkUnindexedDamage(reader, options, report);
    await writeAtomically(options.out, async (sink) => {
      const read = readAll(reader, picked, options, report);
      if (PREFERENCE_FORMATS.has(options.format)) return exportPairs(reader, picked, options, sink, report);
      if (options.format === 'rl-parquet') {
        const records: EpisodeRecord[] = [];
        for await (const record of read) records.push(record);
        await sink.write(await rlParquet(records, options));
        report.rows = records.length;
        return;
      }
      const limits = emptyShareGptLimits();
      const injected = { steps: 0, episodes: 0 };
      let withImages = 0;
      for await (const record of read) {
        if (options.format === 'proto') {
          await sink.write(EpisodeRecordMessage.encodeDelimited(record).finish());
          report.rows++;
          continue;
        }
        if (record.steps?.some((s) => s.observation?.images?.length)) withImages++;
        injected.steps += record.steps?.filter((s) => s.injected).length ?? 0;
        injected.episodes += Number(record.steps?.some((s) => s.injected) ?? false);
        const rows = rowOrSkip(report, () =>
          options.format === 'openai'
            ? openAIChatRows(record, options)
            : options.format === 'trl'
              ? trlChatRows(record, options)
              : shareGptRows(record, limits, options),
        );
        for (const row of rows ?? []) {
          await sink.write(`${JSON.stringify(marked(row, record))}\n`);
          report.rows++;
        }
      }
      if (options.format === 'sharegpt') describeShareGpt(report, limits);
      else if (injected.steps && options.format !== 'proto') {
        report.notes.push(
          `${injected.steps} steps in ${injected.episodes} episodes were injected as noise (rollout --noise): kept as context, never as targets ` +
            (options.format === 'openai' ? '(weight 0)' : '(each learnt step of those episodes is its own prompt-completion row)'),
        );
      }
      if (withImages) {
        report.notes.push(
          `${withImages} episodes had observation images (screenshots), which the agent sent after the conversation of their step; this text format leaves them out (they are in the run's blob store, named in the proto export)`,
        );
      }
    });
    report.bytes = statSync(options.out).size;
    return report;
  } finally {
    if (typeof run === 'string') await reader.close();
  }
}

async function exportPairs(reader: RunReader, picked: EpisodeSummary[], options: ExportOptions, sink: Sink, report: ExportReport): Promise<void> {
  const { pairs, report: pairing } = await buildPreferencePairs(picked, (s) => readOrSkip(reader, s, options, report), options);
  report.pairing = pairing;
  for (const [reason, n] of Object.entries(pairing.skipped)) report.skipped[reason] = n;
  for (const pair of pairs) {
    const row = rowOrSkip(report, () => (options.format === 'openai-dpo' ? openAIPreferenceRow(pair) : trlPreferenceRow(pair)));
    if (!row) continue;
    await sink.write(`${JSON.stringify(marked(row, pair.chosenRecord))}\n`);
    report.rows++;
  }
  if (pairs.length === 0) {
    report.notes.push('no preference pairs: they need tasks (env/family/seed) with both a successful and a failed episode, e.g. groups of rollouts per task');
  }
}

/** A row of a test-split episode carries the canary in its metadata, so a leak can be found later. */
function marked<T extends object>(row: T, record: EpisodeRecord): T | (T & { metadata: { canary: string } }) {
  return isTestEpisode(record) ? { ...row, metadata: { canary: TEST_CANARY } } : row;
}

function describeShareGpt(report: ExportReport, limits: ShareGptLimits): void {
  report.limits = limits;
  if (limits.parallelCalls.steps) {
    report.notes.push(
      `${limits.parallelCalls.steps} steps in ${limits.parallelCalls.episodes} episodes made parallel tool calls, which sharegpt cannot hold in one turn: ` +
        'each call was written as its own function_call turn followed by its observation',
    );
  }
  if (limits.textWithToolCalls.steps) {
    report.notes.push(
      `${limits.textWithToolCalls.steps} steps in ${limits.textWithToolCalls.episodes} episodes had text and tool calls in one turn, which sharegpt cannot hold: ` +
        'the text was dropped and the calls kept',
    );
  }
  if (limits.joinedObservations.steps) {
    report.notes.push(
      `${limits.joinedObservations.steps} observations in ${limits.joinedObservations.episodes} episodes were shown after a tool result (they differed from it), which sharegpt cannot hold: ` +
        'each was joined to that observation turn after a blank line',
    );
  }
  if (limits.rowPerStep.episodes) {
    report.notes.push(
      `${limits.rowPerStep.episodes} episodes were acted on with a window:N or memory:N context, so each step is its own row as it was shown; ` +
        "train with LLaMA-Factory's mask_history: true so that only the last turn of each row is learned",
    );
  }
  if (limits.injectedSteps.steps) {
    report.notes.push(
      `${limits.injectedSteps.steps} steps in ${limits.injectedSteps.episodes} episodes were injected as noise (rollout --noise) and must not be learned, which sharegpt cannot mark: ` +
        "each other step of those episodes is its own row ending with that turn; train with LLaMA-Factory's mask_history: true so that only the last turn of each row is learned",
    );
  }
  if (limits.trailingObservations.episodes) {
    report.notes.push(
      `${limits.trailingObservations.episodes} episodes ended with tool results after the last call: dropped, since a sharegpt conversation ends with a model turn`,
    );
  }
  report.notes.push(`LLaMA-Factory dataset_info.json entry: ${JSON.stringify(shareGptDatasetInfo(report.out.split('/').pop()!))}`);
}

function checkOptions(options: ExportOptions): void {
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    throw new ExportOptionsError(`unknown export format ${JSON.stringify(options.format)}; use one of ${EXPORT_FORMATS.join(', ')}`);
  }
  if (!options.out) throw new ExportOptionsError('no output path given; pass where to write the file');
  if (existsSync(options.out) && statSync(options.out).isDirectory()) {
    throw new ExportOptionsError(`${options.out} is a folder; name the file to write`);
  }
  if (PREFERENCE_FORMATS.has(options.format) && (options.successOnly || options.minReward !== undefined)) {
    throw new ExportOptionsError(
      `${options.format} pairs successful with failed episodes; drop --success-only / --min-reward (they would remove every rejected side)`,
    );
  }
  const holdout = options.holdout;
  if (holdout && !(holdout.fraction > 0 && holdout.fraction < 1)) {
    throw new ExportOptionsError(`the validation fraction must be between 0 and 1 (exclusive), got ${holdout.fraction}`);
  }
}

const DAMAGED = 'damaged record (see workgym data verify)';

/** The picked records in order; damaged ones are skipped and counted when asked to. */
async function* readAll(reader: RunReader, picked: EpisodeSummary[], options: ExportOptions, report: ExportReport): AsyncGenerator<EpisodeRecord> {
  for (const summary of picked) {
    const record = await readOrSkip(reader, summary, options, report);
    if (record) yield record;
  }
}

/** One record; undefined when it is damaged and skipDamaged (counted and named in the report). */
async function readOrSkip(reader: RunReader, summary: EpisodeSummary, options: ExportOptions, report: ExportReport): Promise<EpisodeRecord | undefined> {
  options.signal?.throwIfAborted();
  try {
    return await reader.read(summary);
  } catch (error) {
    if (!(error instanceof CorruptRecordError)) throw error;
    if (!options.skipDamaged) {
      throw new CorruptRecordError(`${error.message}; skipDamaged (--skip-damaged) exports the other episodes`, error.shard, error.offset);
    }
    skip(report, DAMAGED);
    report.damaged.push(summary.episodeId);
    return undefined;
  }
}

/**
 * Damage past the episode index hides records no filter can see: the export would silently
 * miss them, so it fails unless skipDamaged (then a note says what is lost).
 */
function checkUnindexedDamage(reader: RunReader, options: ExportOptions, report: ExportReport): void {
  for (const d of reader.damage.filter((x) => x.episodes.length === 0)) {
    const what = `${d.file}: bytes ${d.offset}-${d.end} do not read back (${d.reason})`;
    if (!options.skipDamaged) {
      throw new CorruptRecordError(
        `${reader.dir}: ${what}, so the records there cannot be exported; skipDamaged (--skip-damaged) exports the others`,
        d.file,
        d.offset,
      );
    }
    report.notes.push(`${what}: the records there are lost and not exported`);
  }
}

/**
 * What `make` builds, or undefined (counted as skipped) when an episode's tool arguments are not
 * a JSON object or its context policy is unknown.
 */
function rowOrSkip<T>(report: ExportReport, make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    if (error instanceof ArgumentsNotObject) skip(report, 'tool call arguments are not a JSON object');
    else if (error instanceof UnknownContextPolicyError) skip(report, 'unknown context policy (what the model was shown cannot be rebuilt)');
    else throw error;
    return undefined;
  }
}

function skip(report: ExportReport, reason: string): void {
  report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
}

interface Sink {
  write(data: string | Uint8Array): Promise<void>;
}

/** Writes through a buffered temp file, then fsync + rename + folder fsync. */
async function writeAtomically(path: string, produce: (sink: Sink) => Promise<void>): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh: FileHandle = await open(temp, 'wx');
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const drain = async () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    await fh.write(chunk);
  };
  try {
    await produce({
      async write(data) {
        const buf = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
        pending.push(buf);
        pendingBytes += buf.length;
        if (pendingBytes >= 1 << 20) await drain();
      },
    });
    await drain();
    await fh.sync();
    await fh.close();
    await rename(temp, path);
    fsyncDirSync(dirname(path));
  } catch (error) {
    await fh.close().catch(() => undefined);
    rmSync(temp, { force: true });
    // Named as the file being written: the temp is gone.
    throw namingFile(error, path);
  }
}

/** A short, printable account of an export. */
export function formatExportReport(report: ExportReport): string {
  const lines = [`wrote ${report.rows} ${report.format} rows (${report.bytes} bytes) from ${report.episodes} episodes to ${report.out}`];
  if (report.pairing) lines.push(`preference pairs: ${report.pairing.pairs} from ${report.pairing.tasks} tasks with both outcomes`);
  for (const [reason, n] of Object.entries(report.skipped)) lines.push(`skipped ${n}: ${reason}`);
  if (report.damaged.length) lines.push(`damaged episodes left out: ${report.damaged.join(', ')}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
