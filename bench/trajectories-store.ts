/**
 * The run store against JSON Lines of the same records, measured in the same run.
 *
 *   node --conditions=source --import tsx bench/trajectories-store.ts [--quick] [--appenders N] [--only small|large] [--repeats N]
 *
 * Writes come from N concurrent tasks (default 16), each awaiting every write before going
 * on, as the rollout runner's parallel workers do. JSON Lines baseline: JSON.stringify per
 * record, written through an fs.WriteStream (which batches lines queued while a write is in
 * flight into one writev(2), as the store's group commit does; a line counts as written
 * when its callback ran); reading = read the file, split lines, JSON.parse. Images go inline
 * as base64 in JSONL and as content-addressed blobs in the store.
 *
 * "write, durable" runs until the data is on disk: the store's createRun ... finalize()
 * (seal, digests, indexes, fsyncs), JSONL's open, appends, fsync. "write, before fsync" times
 * only the appends, until every record was handed to the OS (the store's durability point for
 * a process crash); it is less exposed to other disk traffic on a shared machine.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, fsyncSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun, openRun } from '@workgym/trajectories';
import type { EpisodeRecord } from '@workgym/trajectories';
import { makeEpisode } from '../trajectories/test/make-episode.js';

const quick = process.argv.includes('--quick');
const flag = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const REPEATS = Number(flag('--repeats')) || (quick ? 1 : 7);
/** Concurrent appenders (`--appenders N`, default 16: a rollout with --parallel 16). */
const APPENDERS = Number(flag('--appenders')) || 16;
/** `--only small` or `--only large`: one workload (profiling, short device runs). */
const ONLY = flag('--only');

interface Workload {
  name: string;
  episodes: number;
  steps: number;
  imageBytes: number;
}

const workloads: Workload[] = [
  { name: 'small (2 steps)', episodes: quick ? 500 : 5000, steps: 2, imageBytes: 0 },
  { name: 'large (30 steps, 50 KB screenshots)', episodes: quick ? 10 : 60, steps: 30, imageBytes: 50_000 },
].filter((w) => !ONLY || w.name.startsWith(ONLY));

/** One episode as a rollout has it in memory: the record plus the raw screenshot bytes. */
interface RawEpisode {
  record: EpisodeRecord;
  images: Buffer[][];
}

function pngLike(bytes: number): Buffer {
  const out = randomBytes(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(out);
  return out;
}

function makeRaw(w: Workload): RawEpisode[] {
  return Array.from({ length: w.episodes }, (_, i) => {
    const images = Array.from({ length: w.steps }, () => (w.imageBytes ? [pngLike(w.imageBytes)] : []));
    return { record: makeEpisode({ seed: i + 1, steps: w.steps }), images };
  });
}

/** Times of the last write: appends only, and the whole (with finalize / fsync). */
const split = { appends: 0 };

/**
 * Plays the rollout runner's part: `APPENDERS` tasks, each taking the next episode and
 * awaiting every write before going on, as its parallel workers do (one per env instance).
 */
async function inParallel(raws: RawEpisode[], write: (raw: RawEpisode) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < raws.length) await write(raws[next++]!);
  };
  await Promise.all(Array.from({ length: APPENDERS }, worker));
}

async function writeStore(dir: string, raws: RawEpisode[]): Promise<void> {
  const writer = await createRun(dir);
  const start = performance.now();
  await inParallel(raws, async ({ record, images }) => {
    const steps = [];
    for (const [i, step] of (record.steps ?? []).entries()) {
      const refs = [];
      for (const bytes of images[i] ?? []) {
        refs.push({ sha256: await writer.putBlob(bytes), mimeType: 'image/png', size: bytes.length, label: 'screenshot' });
      }
      steps.push({ ...step, observation: { ...step.observation, images: refs } });
    }
    await writer.append({ ...record, steps });
  });
  split.appends = performance.now() - start;
  await writer.finalize();
}

/**
 * Node's own way to append lines: an fs.WriteStream, which batches too (lines written while
 * a write is in flight go together in one writev(2)); each line's callback comes once it
 * was written, the point at which the store's append() resolves.
 */
async function writeJsonl(path: string, raws: RawEpisode[]): Promise<void> {
  const fd = openSync(path, 'a');
  const stream = createWriteStream(path, { fd, autoClose: false });
  const writeLine = (line: string) => new Promise<void>((resolve, reject) => stream.write(line, (e) => (e ? reject(e) : resolve())));
  const start = performance.now();
  await inParallel(raws, async ({ record, images }) => {
    const steps = (record.steps ?? []).map((step, i) => ({
      ...step,
      observation: {
        ...step.observation,
        images: (images[i] ?? []).map((bytes) => ({ mimeType: 'image/png', data: bytes.toString('base64'), label: 'screenshot' })),
      },
    }));
    await writeLine(`${JSON.stringify({ ...record, steps })}\n`);
  });
  split.appends = performance.now() - start;
  await new Promise<void>((resolve) => stream.end(resolve));
  fsyncSync(fd);
  closeSync(fd);
}

async function readStore(dir: string, withImages: boolean): Promise<number> {
  const reader = await openRun(dir);
  let n = 0;
  for await (const record of reader.records()) {
    n++;
    if (withImages) for (const step of record.steps ?? []) for (const im of step.observation?.images ?? []) await reader.blob(im.sha256!);
  }
  await reader.close();
  return n;
}

async function readJsonl(path: string, withImages: boolean): Promise<number> {
  const text = await readFile(path, 'utf8');
  let n = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const record = JSON.parse(line) as { steps: { observation: { images: { data: string }[] } }[] };
    n++;
    if (withImages) for (const step of record.steps) for (const im of step.observation.images) Buffer.from(im.data, 'base64');
  }
  return n;
}

function diskBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + diskBytes(join(path, name)), 0);
}

interface Timing {
  /** Total time of each round. */
  total: number[];
  /** Time of the append phase of each round (write runs only). */
  appends: number[];
  /**
   * CPU time of each round, every thread of the process (user + system): what the work
   * cost, which other load on the machine changes far less than it changes wall time.
   */
  cpu: number[];
}

interface Side {
  run: () => Promise<unknown>;
  before?: () => void;
}

/**
 * Runs every side once per round, `times` rounds, starting each round with the next side so
 * that none always follows the same one: all see the same machine conditions (other work on a
 * shared machine comes and goes).
 */
async function rounds(times: number, sides: Side[]): Promise<Timing[]> {
  const out: Timing[] = sides.map(() => ({ total: [], appends: [], cpu: [] }));
  for (let i = 0; i < times; i++) {
    for (let j = 0; j < sides.length; j++) {
      const k = (i + j) % sides.length;
      const side = sides[k]!;
      side.before?.();
      split.appends = NaN;
      const cpu = process.cpuUsage();
      const start = performance.now();
      await side.run();
      out[k]!.total.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      out[k]!.cpu.push((used.user + used.system) / 1000);
      out[k]!.appends.push(split.appends);
    }
  }
  return out;
}

const best = (samples: number[]) => Math.min(...samples);
/** The median, over rounds, of slow's time over fast's in the same round. */
function medianRatio(slow: number[], fast: number[]): number {
  const ratios = slow.map((t, i) => t / fast[i]!).sort((a, b) => a - b);
  const mid = ratios.length >> 1;
  return ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}

const root = mkdtempSync(join(tmpdir(), 'wg-bench-'));
const rows: string[][] = [];
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
try {
  for (const w of workloads) {
    const raws = makeRaw(w);
    const storeDir = join(root, 'run');
    const jsonlPath = join(root, 'run.jsonl');
    const reset = () => rmSync(storeDir, { recursive: true, force: true });
    const resetJ = () => rmSync(jsonlPath, { force: true });
    // Warm every path (JIT) before measuring.
    const warm = raws.slice(0, Math.ceil(raws.length / 10));
    await writeStore(storeDir, warm);
    await readStore(storeDir, true);
    reset();
    await writeJsonl(jsonlPath, warm);
    await readJsonl(jsonlPath, true);
    resetJ();
    const writes = await rounds(REPEATS, [
      { run: () => writeStore(storeDir, raws), before: reset },
      { run: () => writeJsonl(jsonlPath, raws), before: resetJ },
    ]);
    const reads = await rounds(REPEATS, [{ run: () => readStore(storeDir, false) }, { run: () => readJsonl(jsonlPath, false) }]);
    const readsWithImages = w.imageBytes
      ? await rounds(REPEATS, [{ run: () => readStore(storeDir, true) }, { run: () => readJsonl(jsonlPath, true) }])
      : undefined;
    const storeSize = diskBytes(storeDir);
    const jsonlSize = diskBytes(jsonlPath);
    const rate = (ms: number) => `${Math.round((w.episodes / ms) * 1000)} ep/s`;
    /**
     * JSONL's time over the store's: the best times' ratio, then in brackets the median of the
     * rounds' ratios and (`cpu`) the best and the median ratio of the CPU times.
     */
    const ratio = (j: Timing, st: Timing, pick: (t: Timing) => number[], cpu: boolean) =>
      `${(best(pick(j)) / best(pick(st))).toFixed(2)}x (${medianRatio(pick(j), pick(st)).toFixed(2)}x` +
      `${cpu ? `, cpu ${(best(j.cpu) / best(st.cpu)).toFixed(2)}x / ${medianRatio(j.cpu, st.cpu).toFixed(2)}x` : ''})`;
    const row = (measure: string, [st, j]: Timing[], pick: (t: Timing) => number[] = (t) => t.total, cpu = true) =>
      rows.push([w.name, measure, rate(best(pick(st!))), rate(best(pick(j!))), ratio(j!, st!, pick, cpu)]);
    row('write, durable', writes);
    row('write, before fsync', writes, (t) => t.appends, false);
    row('read records', reads);
    if (readsWithImages) row('read + image bytes', readsWithImages);
    rows.push([w.name, 'size on disk', `${mb(storeSize)} MB`, `${mb(jsonlSize)} MB`, `${(jsonlSize / storeSize).toFixed(2)}x smaller`]);
    reset();
    resetJ();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const header = ['workload', 'measure', 'store', 'JSONL', 'store vs JSONL'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const row of rows) console.log(line(row));
console.log(
  `\nnode ${process.version}, ${REPEATS} rounds (store and JSONL once a round, in alternating order) after a warm-up; rates are each side's best round; ratios are JSONL's time over the store's: the best times' (in brackets: the median of the rounds' ratios, and with cpu the best and the median ratio of the CPU times, every thread), ${APPENDERS} concurrent appenders; episodes: ${workloads.map((w) => `${w.name}: ${w.episodes}`).join(', ')}`,
);
