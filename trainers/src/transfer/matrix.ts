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

export interface TransferCell {
  trainSet: string;
  testEnv: string;
  success: Proportion;
  /** Against the untrained row on the same test tasks; absent in the untrained row and without a baseline. */
  vsUntrained?: CellComparison;
}

export interface TransferMatrix {
  trainSets: { name: string; envs: string[] }[];
  testEnvs: string[];
  cells: TransferCell[];
}

/** Every cell's success, and its comparison with the untrained row's cell over the same test tasks. */
export function matrixCells(sets: readonly { name: string }[], envs: readonly string[], evaluated: ReadonlyMap<string, EpisodeRecord[]>): TransferCell[] {
  const of = (set: string, env: string) => evaluated.get(set)!.filter((r) => r.env === env);
  return sets.flatMap((set) =>
    envs.map((env) => {
      const mine = of(set.name, env);
      const cell: TransferCell = { trainSet: set.name, testEnv: env, success: wilson(mine.filter((r) => r.success === true).length, mine.length) };
      if (set.name === 'untrained' || !evaluated.has('untrained')) return cell;
      const c = pairedComparison(successPairs(pairByTask(of('untrained', env), mine).pairs));
      cell.vsUntrained = {
        pairs: c.pairs,
        difference: c.difference,
        low: c.low,
        high: c.high,
        mcnemarP: c.mcnemarP,
        onlyUntrained: c.onlyA,
        onlyTrained: c.onlyB,
        differs: c.mcnemarP < DIFFERS_BELOW_P,
      };
      return cell;
    }),
  );
}
