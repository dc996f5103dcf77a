import { existsSync, readFileSync } from 'node:fs';
import { Packr } from 'msgpackr';
import type { EpisodeSummary } from './episode-summary.js';

const packr = new Packr({ useRecords: true });

interface IndexFile {
  version: 1;
  /** How far into each shard the entries reach: frames past this are not indexed yet. */
  covered: [string, number][];
  entries: EpisodeSummary[];
}

/** Episode id -> shard/offset (+ summary), in store order. */
export class EpisodeIndex {
  readonly entries: EpisodeSummary[] = [];
  readonly covered = new Map<string, number>();
  private readonly byId = new Map<string, EpisodeSummary>();

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
      const file = packr.unpack(readFileSync(path)) as IndexFile;
      if (file?.version !== 1 || !Array.isArray(file.entries)) return undefined;
      const index = new EpisodeIndex();
      for (const entry of file.entries) {
        index.entries.push(entry);
        index.byId.set(entry.episodeId, entry);
      }
      for (const [name, bytes] of file.covered) index.covered.set(name, bytes);
      return index;
    } catch {
      return undefined;
    }
  }

  /** The file's bytes; the caller writes them atomically (see writeFilesAtomicSync). */
  encode(): Buffer {
    const file: IndexFile = { version: 1, covered: [...this.covered], entries: this.entries };
    return packr.pack(file);
  }
}
