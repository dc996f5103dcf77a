import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirSync } from './atomic-file.js';
import { BlobNotFoundError } from './errors.js';

const HASH = /^[0-9a-f]{64}$/;

/**
 * Content-addressed files: `blobs/<first two hex digits>/<sha256>`. A blob is written to a
 * temp file and renamed into place, so a name never points at partial content; storing the
 * same bytes twice costs a hash and a lookup.
 */
export class BlobStore {
  private readonly known = new Set<string>();
  private readonly madeDirs = new Set<string>();
  private unsynced: string[] = [];
  private newDirs: string[] = [];

  constructor(readonly dir: string) {}

  path(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  putSync(bytes: Uint8Array | string): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (this.known.has(sha256)) return sha256;
    const path = this.path(sha256);
    if (!existsSync(path)) {
      const sub = join(this.dir, sha256.slice(0, 2));
      if (!this.madeDirs.has(sub)) {
        if (!existsSync(sub)) {
          mkdirSync(sub, { recursive: true });
          this.newDirs.push(sub);
        }
        this.madeDirs.add(sub);
      }
      const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      const fd = openSync(temp, 'wx');
      try {
        const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
        let written = 0;
        while (written < data.length) written += writeSync(fd, data, written);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, path);
      this.unsynced.push(path);
    }
    this.known.add(sha256);
    return sha256;
  }

  has(sha256: string): boolean {
    return HASH.test(sha256) && (this.known.has(sha256) || existsSync(this.path(sha256)));
  }

  async get(sha256: string): Promise<Buffer> {
    if (!HASH.test(sha256)) throw new BlobNotFoundError(`${JSON.stringify(sha256)} is not a sha256 blob name`);
    try {
      return await readFile(this.path(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BlobNotFoundError(`blob ${sha256} is not in ${this.dir}; run \`workgym data verify\` on the run`);
      }
      throw error;
    }
  }

  getSync(sha256: string): Buffer {
    try {
      return readFileSync(this.path(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new BlobNotFoundError(`blob ${sha256} is not in ${this.dir}; run \`workgym data verify\` on the run`);
      }
      throw error;
    }
  }

  /**
   * Makes every blob written since the last call durable. The fsyncs run in parallel so the
   * filesystem can commit them together (one by one, 300 screenshots took ~300 ms).
   */
  async sync(): Promise<void> {
    const paths = this.unsynced;
    const dirs = this.newDirs;
    this.unsynced = [];
    this.newDirs = [];
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const fh = await open(paths[next++]!, 'r');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, paths.length) }, worker));
    // A blob's directory entry is durable once its folder is synced; new folders need the
    // parent synced too.
    const folders = new Set(paths.map((p) => join(p, '..')));
    for (const dir of folders) fsyncDirSync(dir);
    if (dirs.length > 0) fsyncDirSync(this.dir);
  }

  /** Every stored blob name, sorted. */
  list(): string[] {
    if (!existsSync(this.dir)) return [];
    const out: string[] = [];
    for (const sub of readdirSync(this.dir).sort()) {
      for (const name of readdirSync(join(this.dir, sub)).sort()) if (HASH.test(name)) out.push(name);
    }
    return out;
  }

  /** Removes temp files left by a writer that stopped between write and rename. */
  removeTempFiles(): number {
    if (!existsSync(this.dir)) return 0;
    let removed = 0;
    for (const sub of readdirSync(this.dir)) {
      for (const name of readdirSync(join(this.dir, sub))) {
        if (name.includes('.tmp-')) {
          rmSync(join(this.dir, sub, name), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
