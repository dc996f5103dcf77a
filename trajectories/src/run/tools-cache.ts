import type { BlobStore } from '../storage/blob-store.js';
import type { EpisodeRecord, ToolSchema } from '../record/record.js';
import { toolsHash } from '../record/task.js';

const EMPTY_TOOLS_HASH = toolsHash([]);

/**
 * Records are stored with their tool list replaced by a blob named by `tools_hash` (every
 * episode of an env offers the same tools; repeating them was half of a small record).
 * This restores it, sharing one frozen array per hash.
 */
export class ToolsCache {
  private readonly byHash = new Map<string, ToolSchema[]>();

  constructor(private readonly blobs: BlobStore) {}

  restore(stored: Record<string, unknown>): EpisodeRecord {
    const hash = stored.toolsHash as string;
    if ((stored.tools as unknown[]).length === 0 && hash && hash !== EMPTY_TOOLS_HASH) stored.tools = this.tools(hash);
    return stored as EpisodeRecord;
  }

  tools(hash: string): ToolSchema[] {
    let tools = this.byHash.get(hash);
    if (!tools) {
      const rows = JSON.parse(this.blobs.getSync(hash).toString('utf8')) as [string, string, string][];
      tools = Object.freeze(rows.map(([name, description, parametersJson]) => Object.freeze({ name, description, parametersJson }))) as ToolSchema[];
      this.byHash.set(hash, tools);
    }
    return tools;
  }
}
