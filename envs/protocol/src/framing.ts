/** Frames larger than this are refused unless a caller sets its own limit. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

// A 32-bit length never needs more than 5 varint bytes; more means the stream is not ours.
const MAX_VARINT_BYTES = 5;

export type FrameEvent = { kind: 'frame'; bytes: Uint8Array } | { kind: 'oversize'; length: number } | { kind: 'bad_length' };

/** Prefixes one encoded message with its varint length. */
export function encodeFrame(message: Uint8Array): Buffer {
  const header: number[] = [];
  let n = message.length;
  while (n > 0x7f) {
    header.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  header.push(n);
  const out = Buffer.allocUnsafe(header.length + message.length);
  out.set(header, 0);
  out.set(message, header.length);
  return out;
}

/**
 * Splits a byte stream into varint length-delimited frames. Chunks are kept as a list and only
 * joined once a whole frame is present, so a large frame arriving in many chunks is copied once.
 * A length over the limit or a prefix that is no varint is reported once and ends decoding: no
 * frame boundary after it can be trusted (a 2 GiB prefix would swallow every later frame), so
 * the stream is beyond repair.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private broken = false;

  constructor(readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  push(chunk: Buffer): FrameEvent[] {
    if (this.broken) return [];
    const events: FrameEvent[] = [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (this.buffered > 0) {
      const header = this.readHeader();
      if (header === 'incomplete') break;
      if (header === 'bad' || header.length > this.maxFrameBytes) {
        events.push(header === 'bad' ? { kind: 'bad_length' } : { kind: 'oversize', length: header.length });
        this.broken = true;
        this.chunks = [];
        this.buffered = 0;
        break;
      }
      const { length, headerBytes } = header;
      if (this.buffered < headerBytes + length) break;
      const whole = this.take(headerBytes + length);
      events.push({ kind: 'frame', bytes: whole.subarray(headerBytes) });
    }
    return events;
  }

  private readHeader(): { length: number; headerBytes: number } | 'incomplete' | 'bad' {
    let length = 0;
    let index = 0;
    for (const chunk of this.chunks) {
      for (const byte of chunk) {
        length += (byte & 0x7f) * 2 ** (7 * index);
        index += 1;
        if ((byte & 0x80) === 0) return { length, headerBytes: index };
        if (index >= MAX_VARINT_BYTES) return 'bad';
      }
    }
    return 'incomplete';
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      this.consume(n);
      return first.subarray(0, n);
    }
    const joined = Buffer.concat(this.chunks, this.buffered);
    this.chunks = joined.length > n ? [joined.subarray(n)] : [];
    this.buffered = joined.length - n;
    return joined.subarray(0, n);
  }

  private consume(n: number): void {
    this.buffered -= n;
    while (n > 0) {
      const first = this.chunks[0]!;
      if (first.length <= n) {
        n -= first.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = first.subarray(n);
        n = 0;
      }
    }
  }
}
