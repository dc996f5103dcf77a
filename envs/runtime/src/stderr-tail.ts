/** Keeps the last bytes a server wrote to stderr, for error messages when it dies. */
export class StderrTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit = 16 * 1024) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0]!.length >= this.limit) this.size -= this.chunks.shift()!.length;
  }

  toString(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return text.length > this.limit ? text.slice(-this.limit) : text;
  }
}
