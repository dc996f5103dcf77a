import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, type FrameEvent } from '../src/index.js';

const payload = (n: number, fill = 7) => Buffer.alloc(n, fill);
const plain = (events: FrameEvent[]) => events.map((e) => (e.kind === 'frame' ? { kind: e.kind, bytes: [...e.bytes] } : e));

describe('FrameDecoder', () => {
  it('decodes several frames that arrive in one chunk', () => {
    const decoder = new FrameDecoder();
    const events = decoder.push(Buffer.concat([encodeFrame(payload(3, 1)), encodeFrame(payload(200, 2))]));
    expect(events.map((e) => (e.kind === 'frame' ? [...e.bytes.subarray(0, 1), e.bytes.length] : e.kind))).toEqual([
      [1, 3],
      [2, 200],
    ]);
  });

  it('decodes a frame delivered one byte at a time', () => {
    const decoder = new FrameDecoder();
    const bytes = encodeFrame(payload(300));
    const events = [...bytes].flatMap((b) => decoder.push(Buffer.from([b])));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'frame' });
    expect(Buffer.from((events[0] as { bytes: Uint8Array }).bytes).equals(payload(300))).toBe(true);
  });

  it('decodes an empty message', () => {
    expect(plain(new FrameDecoder().push(encodeFrame(new Uint8Array(0))))).toEqual([{ kind: 'frame', bytes: [] }]);
  });

  it('reports a frame over the limit once and decodes nothing after it', () => {
    const decoder = new FrameDecoder(100);
    const big = encodeFrame(payload(150));
    const first = decoder.push(big.subarray(0, 50));
    const rest = decoder.push(Buffer.concat([big.subarray(50), encodeFrame(payload(5, 9))]));
    expect(first).toEqual([{ kind: 'oversize', length: 150 }]);
    expect(rest).toEqual([]);
  });

  it('reads a 2 GiB length prefix as over the limit, not as a frame to wait for', () => {
    const decoder = new FrameDecoder();
    const events = decoder.push(Buffer.concat([Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]), encodeFrame(payload(2))]));
    expect(events).toEqual([{ kind: 'oversize', length: 2 ** 31 }]);
  });

  it('reports a length prefix longer than five bytes as bad and decodes nothing after it', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toEqual([{ kind: 'bad_length' }]);
    expect(decoder.push(encodeFrame(payload(2)))).toEqual([]);
  });
});
