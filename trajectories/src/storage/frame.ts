import { crc32 } from 'node:zlib';

/**
 * Shard files start with this magic and then hold frames:
 *
 *   frame := u32le(n) u32le(~n) u32le(crc32(payload)) payload[n]
 *
 * The complement makes a damaged length visible before it is trusted (a flipped bit would
 * otherwise look like a record running past the end of the file, i.e. a torn tail, and
 * repairing that would cut off good records). CRC-32 (IEEE, node:zlib) catches torn and
 * flipped payload bytes.
 */
export const SHARD_MAGIC = Buffer.from('WGSHARD1', 'latin1');
export const FRAME_HEADER_BYTES = 12;
export const MAX_FRAME_BYTES = 1 << 30;

/** The header of a frame whose payload is `parts` joined. */
export function frameHeader(parts: Uint8Array | readonly Uint8Array[]): Buffer {
  const list = parts instanceof Uint8Array ? [parts] : parts;
  let length = 0;
  let crc = 0;
  for (const part of list) {
    length += part.length;
    crc = crc32(part, crc);
  }
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(length, 0);
  header.writeUInt32LE(~length >>> 0, 4);
  header.writeUInt32LE(crc, 8);
  return header;
}

export type FrameCheck =
  | { kind: 'ok'; length: number; payload: Buffer }
  /** The frame runs past the end of `buf`; `needed` bytes from `pos` would hold it. */
  | { kind: 'short'; needed: number }
  /** `length` is the frame's extent when its header was sound, else undefined. */
  | { kind: 'bad'; reason: string; length?: number };

/** Checks the frame at `pos` in `buf`. */
export function checkFrame(buf: Buffer, pos: number): FrameCheck {
  if (buf.length - pos < FRAME_HEADER_BYTES) return { kind: 'short', needed: FRAME_HEADER_BYTES };
  const n = buf.readUInt32LE(pos);
  if (buf.readUInt32LE(pos + 4) !== ~n >>> 0 || n === 0 || n > MAX_FRAME_BYTES) {
    return { kind: 'bad', reason: 'damaged record header' };
  }
  const end = pos + FRAME_HEADER_BYTES + n;
  if (end > buf.length) return { kind: 'short', needed: FRAME_HEADER_BYTES + n };
  const payload = buf.subarray(pos + FRAME_HEADER_BYTES, end);
  if (crc32(payload) !== buf.readUInt32LE(pos + 8)) {
    return { kind: 'bad', reason: 'checksum mismatch', length: FRAME_HEADER_BYTES + n };
  }
  return { kind: 'ok', length: FRAME_HEADER_BYTES + n, payload };
}
