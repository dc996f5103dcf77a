import { createContext, Script } from 'node:vm';
import { ActionError } from '@workgym/protocol';

// Recalculation work is counted in units, not time, so a refusal is the same on every machine:
// one unit per cell a formula reads (a range costs its size before it is read), one per 16
// characters of text read or produced, one per formula evaluated or linked, one per dependency
// visited. About 3-4 million units run per second on one core.

/** Units one tool call may spend recalculating (a step over it is rolled back). */
export const STEP_UNITS = 4_000_000;
/** Units one formula may spend in one evaluation (it runs without a pause, so this bounds a stall). */
export const FORMULA_UNITS = 500_000;
/**
 * The most a workbook's formulas may cost together, each at its last evaluation: a full
 * recalculation (a structure edit, verification) costs at most twice this, so it fits a step.
 */
export const WORKBOOK_UNITS = 2_000_000;
/** Units between two pauses that let other sessions of the same server run. */
export const SLICE_UNITS = 20_000;
/**
 * Wall-clock limit of one slice of metered work. Units cannot see inside a function (a Bessel
 * function of order 10^9 loops for minutes without reading a cell): a slice that runs longer is
 * interrupted and its edit rolled back. Far above what a slice of SLICE_UNITS takes (~10 ms); some
 * formulajs functions are quadratic in the rows they read (COUNTA over 30,000 cells: ~14 s here).
 */
export const SLICE_TIMEOUT_MS = 2_000;

/** A recalculation needed more work than it may spend; the edit was rolled back. */
export class ComputeBudgetError extends ActionError {
  constructor(message: string) {
    super('compute_budget', message);
  }
}

/**
 * Counts the work of one operation against its limit. A metered operation pauses (lets the
 * event loop run) every SLICE_UNITS, so a heavy edit in one session never starves another.
 */
export class Meter {
  used = 0;
  private sinceYield = 0;

  constructor(
    readonly limit = Number.POSITIVE_INFINITY,
    private readonly signal?: AbortSignal,
    /** Whether the operation pauses at all (trusted, synchronous callers say no). */
    readonly yields = true,
    /** Wall-clock limit of one slice (untrusted work); none for trusted work. */
    readonly sliceMs: number | undefined = undefined,
  ) {}

  charge(units: number): void {
    this.used += units;
    this.sinceYield += units;
    if (this.used > this.limit) {
      throw new ComputeBudgetError(
        `recalculating this edit needs more than ${this.limit.toLocaleString('en-US')} units of work (about one per cell read); it was not applied. Read smaller ranges or use fewer formulas`,
      );
    }
  }

  /** True when the operation should pause before going on. */
  get due(): boolean {
    return this.yields && this.sinceYield >= SLICE_UNITS;
  }

  async pause(): Promise<void> {
    this.sinceYield = 0;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.signal?.aborted) throw new ComputeBudgetError('the call ran past its deadline while recalculating; the edit was not applied');
  }
}

/** A trusted operation (a generated task, a test): no limit and no pauses. */
export const unmetered = (): Meter => new Meter(Number.POSITIVE_INFINITY, undefined, false);

/** The meter of work an agent caused: STEP_UNITS, pauses, and a time limit per slice. */
export const agentMeter = (signal?: AbortSignal, sliceMs = SLICE_TIMEOUT_MS): Meter => new Meter(STEP_UNITS, signal, true, sliceMs);

/** Work that yields whenever its meter is due for a pause. */
export type Work<T> = Generator<void, T, void>;

/** Runs work to its end without pausing (trusted callers). */
export function runNow<T>(work: Work<T>): T {
  let step = work.next();
  while (!step.done) step = work.next();
  return step.value;
}

/**
 * Runs work, pausing whenever it yields. A pause that fails is thrown into the work, which rolls
 * back. A slice that runs past the meter's time limit is interrupted; the work cannot go on after
 * that (its own clean-up never ran), so `abandon` rolls its changes back before the refusal.
 */
export async function runPaused<T>(work: Work<T>, meter: Meter, abandon: () => void): Promise<T> {
  const next = (failed?: { error: unknown }) => timed(() => (failed ? work.throw(failed.error) : work.next()), meter.sliceMs, abandon);
  let step = next();
  while (!step.done) {
    let failed: { error: unknown } | undefined;
    try {
      await meter.pause();
    } catch (error) {
      failed = { error };
    }
    step = next(failed);
  }
  return step.value;
}

// A context whose only global is the function to run: vm's timeout interrupts whatever runs
// inside runInContext, including functions of this realm that it calls.
const sandbox = createContext({ run: undefined as (() => unknown) | undefined });
const runScript = new Script('run()');

function timed<T>(body: () => T, ms: number | undefined, abandon: () => void): T {
  if (ms === undefined) return body();
  sandbox.run = body;
  try {
    return runScript.runInContext(sandbox, { timeout: ms }) as T;
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw error;
    abandon();
    throw new ComputeBudgetError(
      `recalculating this edit ran for more than ${ms} ms without finishing (a formula whose functions do too much work); it was not applied`,
    );
  } finally {
    sandbox.run = undefined;
  }
}
