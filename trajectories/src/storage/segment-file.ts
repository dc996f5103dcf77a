import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { CorruptRecordError } from '../errors.js';
import { checkFrame, FRAME_HEADER_BYTES, frameHeader } from './frame.js';
import { RecordCodec } from '../codec/record-codec.js';
import { namingFile } from './write-failure.js';

/**
 * Shards (episode records) and packs (blobs) are both segment files: a magic, then CRC
 * frames (frame.ts). A shard's first frame holds its record codec (the msgpack structures).
 */
export const SEGMENT_MAGIC = {
  shard: Buffer.from('WGSHARD1', 'latin1'),
  pack: Buffer.from('WGBLOBS1', 'latin1'),
} as const;
export type SegmentKind = keyof typeof SEGMENT_MAGIC;

const CHUNK_BYTES = 8 << 20;

/** The bytes a new segment starts with. */
export function segmentPreamble(kind: SegmentKind, codec?: RecordCodec): Buffer {
  if (kind === 'pack') return SEGMENT_MAGIC.pack;
  const body = Buffer.from(codec!.headerJson);
  return Buffer.concat([SEGMENT_MAGIC.shard, frameHeader(body), body]);
}

/**
 * Creates a segment holding its preamble, durably (the caller fsyncs the folder). When that
 * fails (a full disk), the file is removed again.
 */
export function createSegmentSync(path: string, preamble: Buffer): number {
  const fd = openSync(path, 'wx+');
  try {
    writeSync(fd, preamble, 0, preamble.length, 0);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(path, { force: true });
    throw namingFile(error, path);
  }
  return fd;
}

export type SegmentStart =
  | { kind: 'ok'; codec: RecordCodec | undefined; dataStart: number }
  /** The file ends inside its preamble: it was being created when the writer stopped. */
  | { kind: 'torn' };

export async function readSegmentStart(fh: FileHandle, size: number, name: string, kind: SegmentKind): Promise<SegmentStart> {
  const magic = SEGMENT_MAGIC[kind];
  const probe = Buffer.alloc(Math.min(size, 1 << 16));
  await fh.read(probe, 0, probe.length, 0);
  if (size < magic.length) {
    if (probe.equals(magic.subarray(0, size))) return { kind: 'torn' };
    throw new CorruptRecordError(`${name} is not a workgym ${kind} (bad magic)`, name, 0);
  }
  if (!probe.subarray(0, magic.length).equals(magic)) {
    throw new CorruptRecordError(`${name} is not a workgym ${kind} (bad magic)`, name, 0);
  }
  if (kind === 'pack') return { kind: 'ok', codec: undefined, dataStart: magic.length };
  let check = checkFrame(probe, magic.length);
  if (check.kind === 'short' && size > probe.length) {
    const whole = Buffer.alloc(Math.min(size, magic.length + check.needed));
    await fh.read(whole, 0, whole.length, 0);
    check = checkFrame(whole, magic.length);
  }
  if (check.kind === 'short') return { kind: 'torn' };
  if (check.kind === 'bad') throw new CorruptRecordError(`${name}: shard header: ${check.reason}`, name, magic.length);
  return {
    kind: 'ok',
    codec: RecordCodec.fromHeader(check.payload.toString('utf8')),
    dataStart: magic.length + check.length,
  };
}

export interface ScannedFrame {
  offset: number;
  length: number;
  header: Buffer;
  payload: Buffer;
}

export type ScanEnd =
  | { kind: 'clean' }
  /** The last frame runs past the end of the file: a write that did not finish. */
  | { kind: 'short'; offset: number }
  /**
   * A frame fails its checks. `tailLike`: nothing good can follow it (it ends exactly at
   * the end of the file, or only zero bytes follow), as after an interrupted write.
   */
  | { kind: 'bad'; offset: number; reason: string; tailLike: boolean };

/**
 * Whether a scan that stopped early found a torn tail (cut it off) or damage (keep it,
 * report it). Sealed segments were fsynced whole, so anything wrong in them is damage; in
 * the open segment, bytes past the last flush were never promised to survive a crash.
 */
export function isTornTail(end: Exclude<ScanEnd, { kind: 'clean' }>, sealed: boolean, durableBytes: number): boolean {
  return !sealed && (end.kind === 'short' || end.tailLike || end.offset >= durableBytes);
}

/**
 * Called for a frame whose header is sound but whose payload fails its CRC, when frames follow
 * it: the scan skips it and goes on, unless this returns false (then the scan ends there).
 */
export type OnDamagedFrame = (offset: number, reason: string, length: number) => boolean | void;

/**
 * The stretches of [from, size) outside the given ones (known damage), in file order: what a scan
 * can read.
 */
export function readablePieces(from: number, size: number, skipped: readonly { offset: number; end: number }[]): [number, number][] {
  const pieces: [number, number][] = [];
  let at = from;
  for (const { offset, end } of [...skipped].sort((a, b) => a.offset - b.offset)) {
    if (end <= at) continue;
    if (offset > at) pieces.push([at, Math.min(offset, size)]);
    at = Math.max(at, end);
  }
  if (at < size) pieces.push([at, size]);
  return pieces.filter(([start, end]) => end > start);
}

/**
 * Yields the frames of a segment from `from` to `size` in file order, reading large chunks.
 * How the scan ended is left in `result.end`.
 */
export async function* scanFrames(
  fh: FileHandle,
  size: number,
  from: number,
  result: { end?: ScanEnd },
  onDamaged?: OnDamagedFrame,
): AsyncGenerator<ScannedFrame> {
  for await (const batch of scanFrameBatches(fh, size, from, result, onDamaged)) yield* batch;
}

/**
 * scanFrames() a chunk at a time: the frames of each chunk read, as one array. A reader
 * that streams records pays one asynchronous step per chunk instead of one per frame.
 */
export async function* scanFrameBatches(
  fh: FileHandle,
  size: number,
  from: number,
  result: { end?: ScanEnd },
  onDamaged?: OnDamagedFrame,
): AsyncGenerator<ScannedFrame[]> {
  let bufStart = from;
  let buf = Buffer.alloc(0);
  let pos = 0;
  let batch: ScannedFrame[] = [];
  for (;;) {
    if (bufStart + pos >= size) {
      if (batch.length > 0) yield batch;
      result.end = { kind: 'clean' };
      return;
    }
    const check = checkFrame(buf, pos);
    if (check.kind === 'ok') {
      batch.push({
        offset: bufStart + pos,
        length: check.length,
        header: buf.subarray(pos, pos + FRAME_HEADER_BYTES),
        payload: check.payload,
      });
      pos += check.length;
      continue;
    }
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
    const offset = bufStart + pos;
    if (check.kind === 'short') {
      if (bufStart + buf.length >= size) {
        result.end = { kind: 'short', offset };
        return;
      }
      // Refill: from this frame on, at least the whole frame.
      const want = Math.min(size - offset, Math.max(CHUNK_BYTES, check.needed));
      const next = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(next, 0, want, offset);
      buf = next.subarray(0, bytesRead);
      bufStart = offset;
      pos = 0;
      if (bytesRead === 0) {
        result.end = { kind: 'short', offset };
        return;
      }
      continue;
    }
    if (onDamaged && check.length !== undefined && offset + check.length < size && onDamaged(offset, check.reason, check.length) !== false) {
      pos += check.length;
      continue;
    }
    const endsAtEof = check.length !== undefined && offset + check.length === size;
    result.end = { kind: 'bad', offset, reason: check.reason, tailLike: endsAtEof || (await zeroFrom(fh, offset, size)) };
    return;
  }
}

async function zeroFrom(fh: FileHandle, from: number, size: number): Promise<boolean> {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - from));
  for (let at = from; at < size;) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, size - at), at);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) if (chunk[i] !== 0) return false;
    at += bytesRead;
  }
  return true;
}

/**
 * The digest recorded when a segment is sealed (see ShardEntry.sha256): a shard's is the
 * sha256 of the whole file; a pack's covers its magic, frame headers and blob names.
 * Undefined when the segment does not scan cleanly to `size`.
 */
export async function segmentDigest(fh: FileHandle, size: number, kind: SegmentKind): Promise<string | undefined> {
  const hash = createHash('sha256');
  if (kind === 'shard') {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(size, 1)));
    for (let at = 0; at < size;) {
      const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, size - at), at);
      if (bytesRead === 0) return undefined;
      hash.update(chunk.subarray(0, bytesRead));
      at += bytesRead;
    }
    return hash.digest('hex');
  }
  hash.update(SEGMENT_MAGIC.pack);
  const result: { end?: ScanEnd } = {};
  for await (const frame of scanFrames(fh, size, SEGMENT_MAGIC.pack.length, result)) {
    hash.update(frame.header).update(frame.payload.subarray(0, 32));
  }
  return result.end?.kind === 'clean' ? hash.digest('hex') : undefined;
}
