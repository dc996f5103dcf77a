// The rescore door of agents (`@workgym/agents/rescore`): replaying a stored run with today's verifiers.
export { rescoreRun, type ChangedVerdict, type FamilyRescore, type RescoreOptions, type RescoreReport, type Verdict } from './rescore-run.js';
export { maskVolatile, replayDivergence, type Divergence } from './replay-divergence.js';
