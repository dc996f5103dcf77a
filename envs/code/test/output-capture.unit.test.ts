import { describe, expect, it } from 'vitest';
import { OutputCapture } from '../src/sandbox/output-capture.js';

describe('OutputCapture', () => {
  it('keeps short output whole', () => {
    const capture = new OutputCapture(10, 10);
    capture.push(Buffer.from('hello '));
    capture.push(Buffer.from('world'));
    expect(capture.text()).toBe('hello world');
    expect(capture.cutBytes).toBe(0);
    expect(capture.totalBytes).toBe(11);
  });

  it('keeps the head and the tail of long output and says how much was cut', () => {
    const capture = new OutputCapture(4, 3);
    for (const chunk of ['abcd', 'efgh', 'ijkl', 'mnop', 'qr', 'stuvwxyz']) capture.push(Buffer.from(chunk));
    expect(capture.totalBytes).toBe(26);
    expect(capture.cutBytes).toBe(19);
    expect(capture.text()).toBe('abcd\n[... 19 bytes cut ...]\nxyz');
  });
});
