// The embedded learner (`@workgym/trainers/learner`): a linear policy over candidate actions.
export { stateFromContext, statesFromRecord, type Candidate, type PolicyState } from './policy-state.js';
export { candidatesFromText, stateFromChat, type ChatRequestBody } from './chat-state.js';
export { callKey, matchCandidate } from './candidate-match.js';
export { FEATURE_VERSION, featurize, type SparseFeatures } from './features.js';
export { tokens } from './words.js';
export { LinearPolicy, POLICY_FILE, type Decision, type PolicyMeta, type UpdateOptions } from './linear-policy.js';
export {
  behaviourCloning,
  policyGradient,
  toDecisions,
  type BehaviourCloningOptions,
  type DecisionSet,
  type PolicyGradientOptions,
  type TrainReport,
} from './train.js';
export { dagger, type DaggerOptions } from './dagger.js';
