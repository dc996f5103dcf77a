import { Unpackr } from 'msgpackr';

/** Extension values other than undefined (none that the store writes) are left to msgpackr. */
const fallback = new Unpackr({ useRecords: false, mapsAsObjects: true, moreTypes: false });

/** Node's Buffer has these (msgpackr uses them too); @types/node does not list them. */
interface NodeBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

// eslint-disable-next-line no-control-regex -- the range is the point: any byte outside ASCII
const NON_ASCII = /[^\x00-\x7f]/;
/** Longer strings are fewer and scanning them costs more than utf8Slice's call. */
const LATIN1_MAX = 256;

/** The payload is not msgpack of the shape expected: corrupt, or not a record at all. */
export class MsgpackFormatError extends Error {}

/**
 * Reads msgpack values from one buffer, checking every length against its end, so that a
 * damaged payload fails with where and why instead of yielding garbage. Values come out as
 * msgpackr (useRecords: false, mapsAsObjects) returns them: bin as a view of the buffer,
 * 64-bit integers as BigInt, maps as plain objects, fixext1 type 0 as undefined.
 */
export class MsgpackReader {
  buf: NodeBuffer = Buffer.alloc(0) as NodeBuffer;
  pos = 0;
  end = 0;
  /** The payload as latin1, made on the first short string (see utf8). */
  private latin1: string | undefined;

  reset(buf: Buffer): void {
    this.buf = buf as NodeBuffer;
    this.latin1 = undefined;
    this.pos = 0;
    this.end = buf.length;
  }

  /** Throws unless the whole buffer was read. */
  done(): void {
    if (this.pos !== this.end) this.fail(`${this.end - this.pos} bytes left after the record`);
  }

  fail(why: string): never {
    throw new MsgpackFormatError(`${why} (at byte ${this.pos} of ${this.end})`);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`ends early: ${n} more bytes needed`);
  }

  /** Consumes nil or undefined and says whether it was one. */
  nil(): boolean {
    if (this.pos >= this.end) this.fail('ends early');
    const t = this.buf[this.pos]!;
    if (t === 0xc0) {
      this.pos++;
      return true;
    }
    if (t === 0xd4 && this.buf[this.pos + 1] === 0 && this.buf[this.pos + 2] === 0 && this.pos + 3 <= this.end) {
      this.pos += 3;
      return true;
    }
    return false;
  }

  /** The length of the array that follows; `what` names it in the error when something else does. */
  array(what: string): number {
    if (this.pos >= this.end) this.fail(`ends early: ${what} expected`);
    const t = this.buf[this.pos]!;
    if ((t & 0xf0) === 0x90) {
      this.pos++;
      return t & 0x0f;
    }
    let n: number;
    if (t === 0xdc) {
      this.need(3);
      n = this.buf.readUInt16BE(this.pos + 1);
      this.pos += 3;
    } else if (t === 0xdd) {
      this.need(5);
      n = this.buf.readUInt32BE(this.pos + 1);
      this.pos += 5;
    } else {
      return this.fail(`${what} expected, found byte 0x${t.toString(16)}`);
    }
    // Every element takes at least a byte: a damaged count fails here, not after allocating.
    if (n > this.end - this.pos) this.fail(`array of ${n} elements cannot fit`);
    return n;
  }

  /** A string field: its fast path; anything else is read as whatever it is. */
  str(): unknown {
    const t = this.buf[this.pos]!;
    if (t >= 0xa0 && t <= 0xbf && this.pos < this.end) {
      this.pos++;
      return this.utf8(t & 0x1f);
    }
    if (t === 0xd9 && this.pos + 2 <= this.end) {
      const n = this.buf[this.pos + 1]!;
      this.pos += 2;
      return this.utf8(n);
    }
    return this.any();
  }

  /** A numeric field: its fast paths (small ints, doubles); anything else is read as whatever it is. */
  num(): unknown {
    const b = this.buf;
    const p = this.pos;
    const t = b[p]!;
    if (t < 0x80 && p < this.end) {
      this.pos = p + 1;
      return t;
    }
    if (t === 0xcb && p + 9 <= this.end) {
      this.pos = p + 9;
      return b.readDoubleBE(p + 1);
    }
    return this.any();
  }

  /** A bool field: its fast path; anything else is read as whatever it is. */
  bool(): unknown {
    const t = this.buf[this.pos];
    if ((t === 0xc2 || t === 0xc3) && this.pos < this.end) {
      this.pos++;
      return t === 0xc3;
    }
    return this.any();
  }

  private utf8(n: number): string {
    this.need(n);
    const start = this.pos;
    this.pos += n;
    if (n === 0) return '';
    // A call into C++ (utf8Slice) costs more than a short string's bytes, and a record has
    // dozens of short strings: they are cut from one latin1 copy of the whole payload (byte
    // offsets are char offsets there) when ASCII, which a loop checks for the shortest and
    // a regex, at native speed, for the others.
    if (n <= 16) {
      const b = this.buf;
      let bits = 0;
      for (let i = start; i < start + n; i++) bits |= b[i]!;
      if (bits < 0x80) return (this.latin1 ??= b.latin1Slice(0, this.end)).slice(start, start + n);
    } else if (n <= LATIN1_MAX) {
      const s = (this.latin1 ??= this.buf.latin1Slice(0, this.end)).slice(start, start + n);
      if (!NON_ASCII.test(s)) return s;
    }
    return this.buf.utf8Slice(start, start + n);
  }

  private bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Any value. */
  any(): unknown {
    if (this.pos >= this.end) this.fail('ends early: a value expected');
    const b = this.buf;
    const t = b[this.pos++]!;
    if (t < 0x80) return t;
    if (t >= 0xe0) return t - 0x100;
    if (t >= 0xa0 && t <= 0xbf) return this.utf8(t & 0x1f);
    if (t >= 0x90 && t <= 0x9f) return this.anyArray(t & 0x0f);
    if (t >= 0x80 && t <= 0x8f) return this.anyMap(t & 0x0f);
    return this.anyTagged(t);
  }

  private anyTagged(t: number): unknown {
    const b = this.buf;
    const at = this.pos;
    switch (t) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bytes(this.u8());
      case 0xc5:
        return this.bytes(this.u16());
      case 0xc6:
        return this.bytes(this.u32());
      case 0xca:
        this.need(4);
        this.pos += 4;
        return b.readFloatBE(at);
      case 0xcb:
        this.need(8);
        this.pos += 8;
        return b.readDoubleBE(at);
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf:
        this.need(8);
        this.pos += 8;
        return b.readBigUInt64BE(at);
      case 0xd0:
        this.need(1);
        this.pos += 1;
        return b.readInt8(at);
      case 0xd1:
        this.need(2);
        this.pos += 2;
        return b.readInt16BE(at);
      case 0xd2:
        this.need(4);
        this.pos += 4;
        return b.readInt32BE(at);
      case 0xd3:
        this.need(8);
        this.pos += 8;
        return b.readBigInt64BE(at);
      case 0xd9:
        return this.utf8(this.u8());
      case 0xda:
        return this.utf8(this.u16());
      case 0xdb:
        return this.utf8(this.u32());
      case 0xdc:
        return this.anyArray(this.u16());
      case 0xdd:
        return this.anyArray(this.u32());
      case 0xde:
        return this.anyMap(this.u16());
      case 0xdf:
        return this.anyMap(this.u32());
      default:
        return this.ext(t);
    }
  }

  private anyArray(n: number): unknown[] {
    if (n > this.end - this.pos) this.fail(`array of ${n} elements cannot fit`);
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = this.any();
    return out;
  }

  private anyMap(n: number): Record<string, unknown> {
    if (n > (this.end - this.pos) / 2) this.fail(`map of ${n} entries cannot fit`);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      let key = this.any();
      if (typeof key !== 'string') key = String(key);
      // As msgpackr: a key never sets the prototype.
      out[key === '__proto__' ? '__proto_' : (key as string)] = this.any();
    }
    return out;
  }

  /** Extension types: undefined here; the rest (a Date...) as msgpackr reads them. */
  private ext(t: number): unknown {
    const start = this.pos - 1;
    let n: number;
    if (t >= 0xd4 && t <= 0xd8) n = 1 << (t - 0xd4);
    else if (t === 0xc7) n = this.u8();
    else if (t === 0xc8) n = this.u16();
    else if (t === 0xc9) n = this.u32();
    else return this.fail(`byte 0x${t.toString(16)} is not msgpack`);
    this.need(1 + n);
    const type = this.buf[this.pos]!;
    this.pos += 1 + n;
    if (t === 0xd4 && type === 0 && this.buf[this.pos - 1] === 0) return undefined;
    try {
      return fallback.unpack(this.buf.subarray(start, this.pos));
    } catch (error) {
      return this.fail(`extension type ${type}: ${(error as Error).message}`);
    }
  }
}

