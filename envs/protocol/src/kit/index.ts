// The env kit (`@workgym/protocol/kit`): what every env is built from, so that every env has the
// same shape, and an env written outside this repository can have it too. See
// docs/adding-a-family.md and docs/architecture.md.
export { defineTools, ToolTable, z, type ToolArgs, type ToolDefinition } from './tools.js';
export {
  candidateCalls,
  expertAction,
  FEATURES,
  type Derived,
  type Difficulty,
  type ExpertStep,
  type FamilyDef,
  type Feature,
  type InstanceOf,
  type PlannedCall,
  type Variant,
} from './family.js';
export { FEASIBILITY, infeasibleSeed, REPORT_INFEASIBLE, REPORT_INFEASIBLE_TOOL } from './feasibility.js';
export { COLLATERAL, JudgedSession, NO_COLLATERAL, type Judging } from './judged-session.js';
export { canonicalJson, describeChanges, diffStates, joinStates, type StateChange, type StateSnapshot } from './state.js';
export {
  MAX_RECORDED_CHANGES,
  MAX_RECORDED_TOTAL_BYTES,
  MAX_RECORDED_VALUE_BYTES,
  recordChanges,
  type PresentChanges,
  type RecordedChange,
  type RecordedChanges,
} from './recorded-changes.js';
export type { ComponentDecl, ComponentKind } from '../reward.js';
export { drawUntil } from './draw-until.js';
export { FamilyCatalogue, instanceRng, SPLITS, type CatalogueOptions } from './catalogue.js';
export { EnvBase, type EnvIdentity } from './env-base.js';
export { composeSessions, CompositeSession, compositeTools, ENDING_TOOL_TABLE, type CompositeEnding, type CompositeParts } from './composite.js';
export { OpenSessions } from './open-sessions.js';
export { formatElementLine, parseElementLine, parseElementLines, type ElementLine } from './element-lines.js';
export {
  assertUniqueTaskNames,
  readJsonLines,
  taskExcerpt,
  taskFamilyName,
  taskSetEnvValue,
  taskSetName,
  taskSetPathsFromEnv,
  TaskSetError,
  TASKS_ENV,
  taskVerifierVersion,
  unreadableTaskSet,
} from './task-sets.js';
export {
  asked,
  GENERIC_PROBES,
  MESSAGE,
  MESSAGE_TOOL,
  messageResult,
  MUTED,
  PARAPHRASE_PREFIX,
  PARAPHRASE_STRATEGIES,
  People,
  peopleError,
  personBrief,
  reachable,
  replyOf,
  type ChatMessage,
  type Fact,
  type PeopleMode,
  type Person,
  type PersonTurn,
  type PersonVoice,
} from './people.js';
