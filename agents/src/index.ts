export type { Agent, AgentAction, AgentContext, Turn } from './agent.js';
export { ExpertAgent, type ExpertAgentOptions } from './agents/expert-agent.js';
export { GiveUpAgent, NothingAgent, SubmitAgent } from './agents/baseline-agents.js';
export { RandomAgent } from './agents/random-agent.js';
export { PerturbedAgent } from './agents/perturbed-agent.js';
export { ReplayAgent, ReplayMissingError } from './agents/replay-agent.js';
export { OpenAIAgent, type OpenAIAgentOptions } from './agents/openai-agent.js';
export { openAIPeoplePlayer, type OpenAIPeopleOptions } from './people-player.js';
// Context policies live with the conversation they shape (trajectories), which exports rebuild too.
export { describePolicy, parsePolicy, type ContextPolicy } from '@workgym/trajectories';
export { RateLimiter } from './agents/rate-limiter.js';
export { ActionFault, classifyEnvError, InfraFault, PeopleFault, RolloutConfigError } from './faults.js';
export { runEpisode, STUCK_AFTER, type EpisodeIds, type EpisodeLimits, type EpisodeTask, type RunEpisodeOptions } from './run-episode.js';
export { planEpisodes, workItem, type PlanOptions, type WorkItem } from './rollout/work-item.js';
export { MemoryWorkQueue, type WorkQueue } from './rollout/work-queue.js';
export { RolloutStats, type EarlierEpisode, type EnvProgress } from './rollout/rollout-stats.js';
export { attributeActionFault, type FaultAttribution } from './rollout/fault-attribution.js';
export type { RolloutSpec, RunSettings } from './rollout/run-settings.js';
export {
  describeParallelism,
  envNeeds,
  hostCapacity,
  planParallelism,
  poolOptions,
  type EnvNeeds,
  type EnvParallelism,
  type HostCapacity,
  type Pacing,
  type Parallel,
  CPU_LANES_PER_CORE,
  REMOTE_LANES_PER_CORE,
} from './rollout/parallelism.js';
export { RolloutRunner, RolloutStoppedError, type RolloutEnv, type RolloutOptions, type RolloutResult } from './rollout/rollout-runner.js';
export { rollout, RolloutFailedError, RolloutStalledError, type RolloutConfig, type RolloutOutcome } from './rollout/rollout.js';
