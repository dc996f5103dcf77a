import { existsSync, readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import type { EpisodeSummary } from './episode-summary.js';

/** Version 2's entries were msgpackr records; reads plain msgpack too. */
const packr = new Packr({ useRecords: true, mapsAsObjects: true });
/** The file around the entries: a plain map any msgpack reader can open. */
const plain = new Packr({ useRecords: false });

/** An entry's values in a version 3 file, in this order, with the kind of each. */
const FIELD_KINDS = {
  episodeId: 'str',
  groupId: 'str',
  env: 'str',
  family: 'str',
  job: 'str',
  difficulty: 'str',
  verifierVersion: 'str',
  scenario: 'str',
  seed: 'num',
  split: 'str',
  status: 'str',
  finalReward: 'num',
  rewardMode: 'str',
  shapedReward: 'num',
  success: 'bool',
  infeasible: 'bool',
  steps: 'num',
  promptTokens: 'num',
  completionTokens: 'num',
  attempts: 'num',
  injectedSteps: 'num',
  actionsHash: 'str',
  shard: 'str',
  offset: 'num',
  length: 'num',
} as const satisfies Record<keyof EpisodeSummary, 'str' | 'num' | 'bool'>;
const FIELDS = Object.keys(FIELD_KINDS);
const FIELD_ENTRIES = Object.entries(FIELD_KINDS);

/** What an entry of an older file that lacks a value gets. */
const DEFAULTS = { str: '', num: 0, bool: false } as const;
/** An array32 header: the entry count is filled in when the file is written. */
const ARRAY32 = 0xdd;

/** Version 1: the entries inline. Still read; no longer written. */
interface IndexFileV1 {
  version: 1;
  /** How far into each shard the entries reach: frames past this are not indexed yet. */
  covered: [string, number][];
  entries: EpisodeSummary[];
}

/**
 * Version 2: the entries as their own msgpack (msgpackr records) with its CRC-32, so that
 * opening a run reads only `covered` and a reader that just streams records never decodes
 * an entry (decoding them was ~1.3 µs per episode of every open). Still read.
 */
interface IndexFileV2 {
  version: 2;
  covered: [string, number][];
  crc32: number;
  entries: Uint8Array;
}

/**
 * Version 3: like 2, but the entries are one msgpack array of tuples, values in `fields`
 * order. Each entry is encoded once, by the first flush after it was added, instead of all
 * of them at every flush (msgpackr records cost ~2 µs per entry: 10 ms of finalising 5000
 * episodes, and a long run's flushes grew with it).
 */
interface IndexFileV3 {
  version: 3;
  covered: [string, number][];
  fields: string[];
  crc32: number;
  entries: Uint8Array;
}

/** Episode id -> shard/offset (+ summary), in store order. */
export class EpisodeIndex {
  readonly covered = new Map<string, number>();
  private list: EpisodeSummary[] | undefined = [];
  private byIdMap: Map<string, EpisodeSummary> | undefined;
  /** Entries not decoded yet, and how (see the file versions). */
  private packed: { bytes: Uint8Array; fields?: string[] } | undefined;
  /** The first `encodedCount` entries as version 3 tuples, in pieces (see encode()). */
  private readonly encoded: Uint8Array[] = [];
  private encodedCount = 0;

  /** The summaries in store order (decoded on first use). */
  get entries(): EpisodeSummary[] {
    if (this.list === undefined) {
      const { bytes, fields } = this.packed!;
      this.list = withLaterFields(fields ? fromTuples(packr.unpack(bytes) as unknown[][], fields) : (packr.unpack(bytes) as EpisodeSummary[]), fields);
      this.packed = undefined;
    }
    return this.list;
  }

  private get byId(): Map<string, EpisodeSummary> {
    if (this.byIdMap === undefined) {
      this.byIdMap = new Map();
      for (const entry of this.entries) this.byIdMap.set(entry.episodeId, entry);
    }
    return this.byIdMap;
  }

  add(summary: EpisodeSummary): void {
    this.entries.push(summary);
    this.byId.set(summary.episodeId, summary);
    this.covered.set(summary.shard, summary.offset + summary.length);
  }

  /** Drops these episodes (damaged records: the run no longer has them). */
  remove(episodeIds: ReadonlySet<string>): void {
    this.list = this.entries.filter((e) => !episodeIds.has(e.episodeId));
    this.byIdMap = undefined;
    // Encoded pieces hold the dropped entries: encode the rest afresh.
    this.encoded.length = 0;
    this.encodedCount = 0;
  }

  get(episodeId: string): EpisodeSummary | undefined {
    return this.byId.get(episodeId);
  }

  has(episodeId: string): boolean {
    return this.byId.has(episodeId);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Returns undefined when the file is missing or unreadable (the caller rebuilds it). */
  static load(path: string): EpisodeIndex | undefined {
    if (!existsSync(path)) return undefined;
    try {
      const file = packr.unpack(readFileSync(path)) as IndexFileV1 | IndexFileV2 | IndexFileV3;
      const index = new EpisodeIndex();
      if (file?.version === 3 && file.entries instanceof Uint8Array && Array.isArray(file.fields)) {
        if (crc32(file.entries) !== file.crc32 || file.entries[0] !== ARRAY32) return undefined;
        index.list = undefined;
        index.packed = { bytes: file.entries, fields: file.fields };
        if (sameFields(file.fields)) {
          index.encoded.push(file.entries.subarray(5));
          index.encodedCount = Buffer.from(file.entries.buffer, file.entries.byteOffset).readUInt32BE(1);
        }
      } else if (file?.version === 2 && file.entries instanceof Uint8Array) {
        if (crc32(file.entries) !== file.crc32) return undefined;
        index.list = undefined;
        index.packed = { bytes: file.entries };
      } else if (file?.version === 1 && Array.isArray(file.entries)) {
        index.list = withLaterFields(file.entries, undefined);
      } else {
        return undefined;
      }
      for (const [name, bytes] of file.covered) index.covered.set(name, bytes);
      return index;
    } catch {
      return undefined;
    }
  }

  /** The file's bytes; the caller writes them atomically (see writeFilesAtomicSync). */
  encode(): Buffer {
    this.encodeNew();
    const head = Buffer.allocUnsafe(5);
    head[0] = ARRAY32;
    head.writeUInt32BE(this.encodedCount, 1);
    const entries = Buffer.concat([head, ...this.encoded]);
    const file: IndexFileV3 = { version: 3, covered: [...this.covered], fields: [...FIELDS], crc32: crc32(entries), entries };
    return plain.pack(file);
  }

  /** Encodes the entries added since the last encode() as one more piece. */
  private encodeNew(): void {
    // Version 3 entries still undecoded are encoded already; older ones are decoded first.
    if (this.list === undefined && this.encoded.length > 0) return;
    const list = this.entries;
    if (list.length === this.encodedCount) return;
    const bytes = plain.pack(list.slice(this.encodedCount).map(toTuple));
    // Without its array header (fixarray, array16 or array32): encode() writes one for all pieces.
    this.encoded.push(bytes.subarray(bytes[0]! < 0xa0 ? 1 : bytes[0] === 0xdc ? 3 : 5));
    this.encodedCount = list.length;
  }
}

/** An entry's values in FIELDS order; a value missing from an entry of an older file gets its default. */
function toTuple(entry: EpisodeSummary): unknown[] {
  const values = entry as unknown as Record<string, unknown>;
  return FIELD_ENTRIES.map(([field, kind]) => values[field] ?? DEFAULTS[kind]);
}

/**
 * Entries from a file written before reward modes get no mode ("", read as shaped) and their
 * final reward as their shaped reward: their episodes were paid it (see shapedRewardOf()).
 * Entries from before infeasible seeds were recorded read as feasible, as their records do.
 */
function withLaterFields(entries: EpisodeSummary[], fields: string[] | undefined): EpisodeSummary[] {
  const rewards = !fields?.includes('shapedReward');
  const feasibility = !fields?.includes('infeasible');
  if (!rewards && !feasibility) return entries;
  for (const entry of entries) {
    if (rewards) {
      entry.rewardMode ??= '';
      entry.shapedReward ??= entry.finalReward;
    }
    if (feasibility) entry.infeasible ??= false;
  }
  return entries;
}

function sameFields(fields: string[]): boolean {
  return fields.length === FIELDS.length && fields.every((f, i) => f === FIELDS[i]);
}

function fromTuples(tuples: unknown[][], fields: string[]): EpisodeSummary[] {
  return tuples.map((tuple) => {
    const entry: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) entry[fields[i]!] = tuple[i];
    return entry as unknown as EpisodeSummary;
  });
}
