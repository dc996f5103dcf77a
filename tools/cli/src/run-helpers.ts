import { WorkgymError } from '@workgym/protocol';
import { openRun, TrajectoryError, type RunReader } from '@workgym/trajectories';
import { UsageError } from './usage-error.js';

// What the commands that read a run share: opening it with its repairs reported, trajectories
// errors shown as messages, and the parsing of filter flags.

/** A trajectories error handed to the CLI's handler, which prints its message (no stack). */
class RunDataError extends WorkgymError {
  constructor(error: TrajectoryError) {
    super(error.code, error.message, { cause: error });
  }
}

/** Opens the run, reports a repaired torn tail on stderr, and always closes it. */
export async function withRun(run: string, use: (reader: RunReader) => unknown): Promise<void> {
  const reader = await openRun(run);
  try {
    for (const repair of reader.repairs) {
      console.error(
        `workgym: ${run}: ${repair.file}: ${repair.reason}; ${repair.truncated ? 'cut off' : 'skipped'} ${repair.droppedBytes} bytes at offset ${repair.offset}`,
      );
    }
    for (const damage of reader.damage) {
      console.error(`workgym: ${run}: ${damage.file} is damaged at offset ${damage.offset} (${damage.reason}); run \`workgym data verify ${run}\``);
    }
    await use(reader);
  } finally {
    await reader.close();
  }
}

export function handle<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      throw error instanceof TrajectoryError ? new RunDataError(error) : error;
    }
  };
}

export function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, not ${JSON.stringify(value)}`);
  return n;
}

export function positiveInteger(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, not ${JSON.stringify(value)}`);
  return n;
}
