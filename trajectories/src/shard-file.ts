import { closeSync, fsyncSync, openSync, writevSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { CorruptRecordError } from './errors.js';
import { checkFrame, frameHeader, SHARD_MAGIC } from './frame.js';
import { RecordCodec } from './record-codec.js';

const CHUNK_BYTES = 8 << 20;

/** Creates a shard holding its magic and its codec header, durably. Returns the open fd. */
export function createShardSync(path: string, codec: RecordCodec): { fd: number; header: Buffer } {
  const body = Buffer.from(codec.structuresJson);
  const header = Buffer.concat([SHARD_MAGIC, frameHeader(body), body]);
  const fd = openSync(path, 'wx');
  try {
    writevSync(fd, [header]);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return { fd, header };
}

export type ShardHeader =
  | { kind: 'ok'; codec: RecordCodec; dataStart: number }
  /** The shard ends inside its header: it was being created when the writer stopped. */
  | { kind: 'torn' };

export async function readShardHeader(fh: FileHandle, size: number, name: string): Promise<ShardHeader> {
  const probe = Buffer.alloc(Math.min(size, 1 << 16));
  await fh.read(probe, 0, probe.length, 0);
  if (size < SHARD_MAGIC.length) {
    if (probe.equals(SHARD_MAGIC.subarray(0, size))) return { kind: 'torn' };
  } else if (!probe.subarray(0, SHARD_MAGIC.length).equals(SHARD_MAGIC)) {
    throw new CorruptRecordError(`${name} is not a workgym shard (bad magic)`, name, 0);
  }
  let check = checkFrame(probe, SHARD_MAGIC.length);
  if (check.kind === 'short' && size > probe.length) {
    const whole = Buffer.alloc(Math.min(size, SHARD_MAGIC.length + check.needed));
    await fh.read(whole, 0, whole.length, 0);
    check = checkFrame(whole, SHARD_MAGIC.length);
  }
  if (check.kind === 'short') return { kind: 'torn' };
  if (check.kind === 'bad') throw new CorruptRecordError(`${name}: shard header: ${check.reason}`, name, SHARD_MAGIC.length);
  return {
    kind: 'ok',
    codec: RecordCodec.fromHeader(check.payload.toString('utf8')),
    dataStart: SHARD_MAGIC.length + check.length,
  };
}

export interface ScannedFrame {
  offset: number;
  length: number;
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
 * Yields the frames of a shard from `from` to `size` in file order, reading large chunks.
 * How the scan ended is left in `result.end`.
 */
export async function* scanFrames(
  fh: FileHandle,
  size: number,
  from: number,
  result: { end?: ScanEnd },
): AsyncGenerator<ScannedFrame> {
  let bufStart = from;
  let buf = Buffer.alloc(0);
  let pos = 0;
  for (;;) {
    if (bufStart + pos >= size) {
      result.end = { kind: 'clean' };
      return;
    }
    const check = checkFrame(buf, pos);
    if (check.kind === 'ok') {
      yield { offset: bufStart + pos, length: check.length, payload: check.payload };
      pos += check.length;
      continue;
    }
    const offset = bufStart + pos;
    if (check.kind === 'short') {
      if (bufStart + buf.length >= size) {
        result.end = { kind: 'short', offset };
        return;
      }
      // Refill: keep the unread part, then read at least the rest of this frame.
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
    const endsAtEof = check.length !== undefined && offset + check.length === size;
    result.end = { kind: 'bad', offset, reason: check.reason, tailLike: endsAtEof || (await zeroFrom(fh, offset, size)) };
    return;
  }
}

async function zeroFrom(fh: FileHandle, from: number, size: number): Promise<boolean> {
  const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - from));
  for (let at = from; at < size; ) {
    const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, size - at), at);
    if (bytesRead === 0) break;
    for (let i = 0; i < bytesRead; i++) if (chunk[i] !== 0) return false;
    at += bytesRead;
  }
  return true;
}
