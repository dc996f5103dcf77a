// Group advantages (`@workgym/trainers/rl`); the loop that uses them is `@workgym/trainers/loop`.
export {
  ADVANTAGE_ESTIMATORS,
  computeAdvantages,
  formatAdvantageDiagnostics,
  scoredEpisodes,
  type AdvantageDiagnostics,
  type AdvantageEstimator,
  type AdvantageOptions,
  type AdvantageResult,
  type AdvantageScope,
  type GroupDiagnostic,
  type ScoredEpisode,
} from './advantages.js';
