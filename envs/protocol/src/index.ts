export { EnvClient, type CallOptions, type EnvClientOptions, type PersonAsk, type PersonPlayer, type ResetOptions, type Transport } from './client.js';
export { DEFAULT_DEADLINE_MS, serveEnv, type EnvServer, type ServeOptions } from './server.js';
export { serveStdio } from './stdio.js';
export type { Environment, EpisodeSpec, ExpertAction, Session, StepOutcome, ValidToolCall } from './environment.js';
export { argumentLeaves, ShownText, ungroundedValues, type UngroundedValue } from './grounding.js';
export type { DockerOverrides, EnvCreateOptions, EnvManifest } from './manifest.js';
export { checkEnv, assertEnvConforms, type CheckEnvOptions, type CheckResult, type ConformanceReport } from './check-env.js';
export { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder, type FrameEvent } from './framing.js';
export { Rng, SEED_LIMIT, splitSeed } from './rng.js';
export {
  declaredComponents,
  guessStrategy,
  paidReward,
  parseRewardMode,
  relaxStrategy,
  REWARD_MODES,
  SHAPED_CAP,
  shapedReward,
  type ComponentDecl,
  type ComponentKind,
  type RewardMode,
} from './reward.js';
export { toolCall } from './tool-call.js';
export { endsEpisode, ENDING_TOOLS, REPORT_INFEASIBLE } from './ending-tools.js';
export { MAX_ARGUMENT_BYTES, checkToolSchema, validateToolCall } from './tool-validator.js';
export {
  ActionError,
  CallRefusedError,
  ClientClosedError,
  DeadlineExceededError,
  FrameTooLargeError,
  ProtocolViolationError,
  RemoteError,
  ServerExitedError,
  WorkgymError,
} from './errors.js';
export * from './messages.js';
