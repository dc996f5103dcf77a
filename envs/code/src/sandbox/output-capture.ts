/**
 * Keeps the head and the tail of a byte stream of any length, so a 100 MB print costs a few KB
 * of memory and the model still sees how the output began and how it ended.
 */
export class OutputCapture {
  private readonly head: Buffer[] = [];
  private headLength = 0;
  private tail: Buffer[] = [];
  private tailLength = 0;
  private total = 0;

  constructor(
    private readonly headBytes: number,
    private readonly tailBytes: number,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headLength < this.headBytes) {
      const take = Math.min(chunk.length, this.headBytes - this.headLength);
      this.head.push(chunk.subarray(0, take));
      this.headLength += take;
      chunk = chunk.subarray(take);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailLength += chunk.length;
    while (this.tail.length > 1 && this.tailLength - this.tail[0]!.length >= this.tailBytes) {
      this.tailLength -= this.tail.shift()!.length;
    }
  }

  /** Bytes the stream carried. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes left out of `text()`. */
  get cutBytes(): number {
    return Math.max(0, this.total - this.headLength - Math.min(this.tailLength, this.tailBytes));
  }

  /** The whole output when it fit, else head + a marker saying how much was cut + tail. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tailBuffer = Buffer.concat(this.tail);
    const tail = tailBuffer.subarray(Math.max(0, tailBuffer.length - this.tailBytes)).toString('utf8');
    const cut = this.cutBytes;
    if (cut === 0) return head + tail;
    return `${head}\n[... ${cut.toLocaleString('en-US')} bytes cut ...]\n${tail}`;
  }
}
