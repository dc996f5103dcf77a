import { existsSync, readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import type { EpisodeSummary } from './episode-summary.js';

/** Entries as msgpackr records (each key written once per file); reads plain msgpack too. */
const packr = new Packr({ useRecords: true, mapsAsObjects: true });
/** The file around them: a plain map any msgpack reader can open. */
const plain = new Packr({ useRecords: false });

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
 * an entry (decoding them was ~1.3 µs per episode of every open).
 */
interface IndexFileV2 {
  version: 2;
  covered: [string, number][];
  crc32: number;
  entries: Uint8Array;
}

/** Episode id -> shard/offset (+ summary), in store order. */
export class EpisodeIndex {
  readonly covered = new Map<string, number>();
  private list: EpisodeSummary[] | undefined = [];
  private byIdMap: Map<string, EpisodeSummary> | undefined;
  /** Entries not decoded yet (see IndexFileV2). */
  private packed: Uint8Array | undefined;

  /** The summaries in store order (decoded on first use). */
  get entries(): EpisodeSummary[] {
    if (this.list === undefined) {
      this.list = packr.unpack(this.packed!) as EpisodeSummary[];
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
      const file = packr.unpack(readFileSync(path)) as IndexFileV1 | IndexFileV2;
      const index = new EpisodeIndex();
      if (file?.version === 2 && file.entries instanceof Uint8Array) {
        if (crc32(file.entries) !== file.crc32) return undefined;
        index.list = undefined;
        index.packed = file.entries;
      } else if (file?.version === 1 && Array.isArray(file.entries)) {
        index.list = file.entries;
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
    const entries = this.packed ?? packr.pack(this.entries);
    const file: IndexFileV2 = { version: 2, covered: [...this.covered], crc32: crc32(entries), entries };
    return plain.pack(file);
  }
}
