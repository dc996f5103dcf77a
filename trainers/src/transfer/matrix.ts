import { wilson, type EpisodeRecord, type Proportion } from '@workgym/trajectories';
import { pairByTask, successPairs } from '../eval/pair-by-task.js';
import { pairedComparison } from '../stats/paired.js';

/** A cell differs from the untrained row when its McNemar p is below this. */
export const DIFFERS_BELOW_P = 0.05;

/** A cell against the untrained row's cell of the same test env, paired by task. */
export interface CellComparison {
  pairs: number;
  /** Success of this row minus the untrained row's, over the same test tasks. */
  difference: number;
  /** 95% paired bootstrap interval of the difference. */
  low: number;
  high: number;
  /** Exact two-sided McNemar p. */
  mcnemarP: number;
  /** Tasks only the untrained policy solved, and only this row's. */
  onlyUntrained: number;
  onlyTrained: number;
  /** mcnemarP < 0.05. */
  differs: boolean;
}

/** A cell's success, and its comparison with the untrained row's over the same tasks. */
export interface CellResult {
  success: Proportion;
  /** Against the untrained row on the same test tasks; absent in the untrained row and without a baseline. */
  vsUntrained?: CellComparison;
}

/** A cell over some of the test env's families: those training draws from, or those it holds out. */
export interface CellPart extends CellResult {
  families: string[];
}

export interface TransferCell extends CellResult {
  trainSet: string;
  testEnv: string;
  /**
   * When the test env holds out families: the cell over the families training draws from (a set
   * that includes the env was trained on them; the test seeds are unseen) and over the held-out
   * families (never trained on: unseen families). Each part is there when it has episodes.
   */
  trainedFamilies?: CellPart;
  heldOutFamilies?: CellPart;
}

export interface TransferMatrix {
  trainSets: { name: string; envs: string[] }[];
  testEnvs: string[];
  cells: TransferCell[];
}

/**
 * Every cell's success, and its comparison with the untrained row's cell over the same test
 * tasks; a cell of an env with held-out families (`heldOut`) also split into its two parts.
 */
export function matrixCells(
  sets: readonly { name: string }[],
  envs: readonly string[],
  evaluated: ReadonlyMap<string, EpisodeRecord[]>,
  heldOut: ReadonlySet<string> = new Set(),
): TransferCell[] {
  const of = (set: string, env: string) => evaluated.get(set)!.filter((r) => r.env === env);
  return sets.flatMap((set) =>
    envs.map((env) => {
      const baseline = set.name === 'untrained' || !evaluated.has('untrained') ? undefined : of('untrained', env);
      const mine = of(set.name, env);
      const cell: TransferCell = { trainSet: set.name, testEnv: env, ...cellResult(mine, baseline) };
      if (!mine.some((r) => heldOut.has(r.family ?? ''))) return cell;
      const [trained, held] = [cellPart(mine, baseline, (f) => !heldOut.has(f)), cellPart(mine, baseline, (f) => heldOut.has(f))];
      return { ...cell, ...(trained ? { trainedFamilies: trained } : {}), ...(held ? { heldOutFamilies: held } : {}) };
    }),
  );
}

/** The cell over the families `keep` picks, or undefined when it has no episodes. */
function cellPart(mine: readonly EpisodeRecord[], baseline: readonly EpisodeRecord[] | undefined, keep: (family: string) => boolean): CellPart | undefined {
  const picked = (records: readonly EpisodeRecord[]) => records.filter((r) => keep(r.family ?? ''));
  const records = picked(mine);
  if (records.length === 0) return undefined;
  const families = [...new Set(records.map((r) => r.family ?? ''))].sort();
  return { families, ...cellResult(records, baseline && picked(baseline)) };
}

function cellResult(mine: readonly EpisodeRecord[], baseline: readonly EpisodeRecord[] | undefined): CellResult {
  const success = wilson(mine.filter((r) => r.success === true).length, mine.length);
  if (!baseline) return { success };
  const c = pairedComparison(successPairs(pairByTask(baseline, mine).pairs));
  return {
    success,
    vsUntrained: {
      pairs: c.pairs,
      difference: c.difference,
      low: c.low,
      high: c.high,
      mcnemarP: c.mcnemarP,
      onlyUntrained: c.onlyA,
      onlyTrained: c.onlyB,
      differs: c.mcnemarP < DIFFERS_BELOW_P,
    },
  };
}
