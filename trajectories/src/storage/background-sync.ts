import { fdatasync } from 'node:fs';

/** Written bytes after which a background fdatasync starts (RocksDB's bytes_per_sync). */
const SYNC_EVERY_BYTES = 2 << 20;

/**
 * fdatasyncs a growing file on the thread pool every few MB while it is written, so that the
 * fsync that seals or flushes it finds little left to write (sealing a 20 MB shard waited
 * ~15 ms for its fsync; with this, ~1 ms). It promises nothing by itself: durability still
 * comes from that fsync.
 */
export class BackgroundSync {
  private requested = 0;
  private inFlight: Promise<void> | undefined;
  private error: unknown;

  constructor(private readonly fd: number) {}

  /** The file now holds `written` bytes. */
  advance(written: number): void {
    if (this.inFlight || written - this.requested < SYNC_EVERY_BYTES) return;
    this.requested = written;
    this.inFlight = new Promise<void>((resolve) =>
      fdatasync(this.fd, (error) => {
        // Kept for the next check(): after a failed writeback Linux reports the error to
        // one sync call only, and that may have been this one.
        if (error) this.error ??= error;
        this.inFlight = undefined;
        resolve();
      }),
    );
  }

  /** Throws the error a background sync met, if one did. */
  check(): void {
    if (this.error !== undefined) throw this.error;
  }

  /** Resolves once no background sync uses the descriptor (it may be closed then). */
  settled(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  /** Closes the descriptor now, or once the sync in flight returned. */
  close(closeFd: (fd: number) => void): void {
    if (!this.inFlight) return closeFd(this.fd);
    void this.inFlight.then(() => {
      try {
        closeFd(this.fd);
      } catch {
        // Nobody is left to tell, and the descriptor is released either way.
      }
    });
  }
}
