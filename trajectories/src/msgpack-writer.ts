import { Packr } from 'msgpackr';

/** Values of no type the compiled encoders expect go through msgpackr, as every value did before. */
const fallback = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/** Node's Buffer has it (msgpackr uses it too): write() without the argument juggling; @types/node does not list it. */
interface NodeBuffer extends Buffer {
  utf8Write(s: string, offset: number): number;
}

const SLAB_BYTES = 256 << 10;
/** A record starts in a fresh slab when less than this is left (few records straddle a growth). */
const MIN_FREE = 16 << 10;

/**
 * Writes msgpack into slabs of memory, each record after the last: `finish()` hands out the
 * record's bytes without copying, and since a slab is never written again below its
 * position, those bytes stay valid while the frame waits to be written. The bytes are the
 * ones msgpackr (useRecords: false) writes for the same values, so shards read the same
 * everywhere: minimal integer and string headers, float64 for non-integers and integers
 * past 32 bits, map16 for maps, fixext1 type 0 for undefined.
 */
export class MsgpackWriter {
  buf: Buffer = Buffer.allocUnsafe(0);
  pos = 0;
  private start = 0;

  /** Starts a record, with `reserve` bytes left free before it (a frame header). */
  begin(reserve: number): void {
    if (this.buf.length - this.pos < MIN_FREE) this.newSlab(0);
    this.start = this.pos;
    this.pos += reserve;
  }

  /** The record begun last: a view of the slab (never written again). */
  finish(): Buffer {
    const out = this.buf.subarray(this.start, this.pos);
    this.start = this.pos;
    return out;
  }

  /** Makes room for `n` more bytes, moving the record begun last to a larger slab if needed. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.newSlab(n);
  }

  private newSlab(n: number): void {
    const used = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (used + n)));
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = used;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  undef(): void {
    this.ensure(3);
    const b = this.buf;
    b[this.pos] = 0xd4;
    b[this.pos + 1] = 0;
    b[this.pos + 2] = 0;
    this.pos += 3;
  }

  arrayHeader(n: number): void {
    this.ensure(5);
    const b = this.buf;
    if (n < 16) {
      b[this.pos++] = 0x90 | n;
    } else if (n < 0x10000) {
      b[this.pos] = 0xdc;
      b.writeUInt16BE(n, this.pos + 1);
      this.pos += 3;
    } else {
      b[this.pos] = 0xdd;
      b.writeUInt32BE(n, this.pos + 1);
      this.pos += 5;
    }
  }

  /** A map16 header (as msgpackr writes plain objects); returns where its count goes. */
  map16(): number {
    this.ensure(3);
    this.buf[this.pos] = 0xde;
    this.pos += 3;
    return this.pos - 2;
  }

  setMap16Count(at: number, n: number): void {
    if (n > 0xffff) throw new Error('a map of more than 65535 entries does not fit msgpackr map16');
    this.buf.writeUInt16BE(n, at);
  }

  num(v: number): void {
    this.ensure(9);
    const b = this.buf;
    let p = this.pos;
    if (v >>> 0 === v) {
      if (v < 0x80) b[p++] = v;
      else if (v < 0x100) {
        b[p++] = 0xcc;
        b[p++] = v;
      } else if (v < 0x10000) {
        b[p++] = 0xcd;
        b[p++] = v >> 8;
        b[p++] = v & 0xff;
      } else {
        b[p++] = 0xce;
        b.writeUInt32BE(v, p);
        p += 4;
      }
    } else if (v >> 0 === v) {
      if (v >= -0x20) b[p++] = 0x100 + v;
      else if (v >= -0x80) {
        b[p++] = 0xd0;
        b[p++] = v + 0x100;
      } else if (v >= -0x8000) {
        b[p++] = 0xd1;
        b.writeInt16BE(v, p);
        p += 2;
      } else {
        b[p++] = 0xd2;
        b.writeInt32BE(v, p);
        p += 4;
      }
    } else {
      b[p++] = 0xcb;
      b.writeDoubleBE(v, p);
      p += 8;
    }
    this.pos = p;
  }

  str(s: string): void {
    const n = s.length;
    // Short ASCII strings (ids, names, tokens) are copied by hand: cheaper than a call into
    // C++; anything else goes through utf8Write.
    if (n < 0x20) {
      this.ensure(1 + 3 * n);
      const b = this.buf;
      let p = this.pos + 1;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return this.utf8(s);
        b[p++] = c;
      }
      b[this.pos] = 0xa0 | n;
      this.pos = p;
      return;
    }
    this.utf8(s);
  }

  /**
   * Any string: the header is sized from the char count, then moved along when the UTF-8
   * byte count needs a larger one (as msgpackr does, so the header is always minimal).
   */
  private utf8(s: string): void {
    const n = s.length;
    const guess = n < 0x20 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
    this.ensure(5 + 3 * n);
    const b = this.buf;
    const at = this.pos;
    const len = (b as NodeBuffer).utf8Write(s, at + guess);
    const header = len < 0x20 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 5;
    if (header !== guess) b.copyWithin(at + header, at + guess, at + guess + len);
    if (header === 1) b[at] = 0xa0 | len;
    else if (header === 2) {
      b[at] = 0xd9;
      b[at + 1] = len;
    } else if (header === 3) {
      b[at] = 0xda;
      b.writeUInt16BE(len, at + 1);
    } else {
      b[at] = 0xdb;
      b.writeUInt32BE(len, at + 1);
    }
    this.pos = at + header + len;
  }

  bin(v: Uint8Array): void {
    const n = v.length;
    this.ensure(5 + n);
    const b = this.buf;
    if (n < 0x100) {
      b[this.pos++] = 0xc4;
      b[this.pos++] = n;
    } else if (n < 0x10000) {
      b[this.pos] = 0xc5;
      b.writeUInt16BE(n, this.pos + 1);
      this.pos += 3;
    } else {
      b[this.pos] = 0xc6;
      b.writeUInt32BE(n, this.pos + 1);
      this.pos += 5;
    }
    b.set(v, this.pos);
    this.pos += n;
  }

  /** A value of any type, as msgpackr writes it (for values the schema did not lead us to expect). */
  any(v: unknown): void {
    if (typeof v === 'string') return this.str(v);
    if (typeof v === 'number') return this.num(v);
    if (v === undefined) return this.undef();
    const bytes = fallback.pack(v);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}
