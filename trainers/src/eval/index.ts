// Evaluation (`@workgym/trainers/eval`): success with Wilson intervals, pass@k and pass^k, running new episodes.
export { meanPassAtK, meanPassHatK, passAtK, passHatK, wilson, type Proportion, type TaskMean } from '@workgym/trajectories';
export { mcnemarExact, pairedComparison, type PairedComparison, type SuccessPair } from '../stats/paired.js';
export { pairByTask, successPairs, taskKey, type PairOptions, type TaskPair, type TaskPairing, type Unmatched } from './pair-by-task.js';
export { evaluateRecords, formatEvalMarkdown, type EvalOptions, type EvalReport, type EvalRow, type EvalScope } from './evaluate.js';
export { FAMILY_SPLITS, familySplit, heldOutOf, trainingEnvs, type FamilySplit } from './held-out.js';
export { readRecords, runEval, type EvalEnv, type RunEvalOptions } from './run-eval.js';
