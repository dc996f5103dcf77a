import type { Agent, AgentAction, AgentContext } from '@workgym/agents';
import type { AgentInfo } from '@workgym/trajectories';

/**
 * Acts with one agent per sample of a group (the last part of the episode id,
 * `<family>:<split>:<seed>:<sample>`). A seeded policy answers the same request the same way, and
 * a group's rollouts send the same requests until their draws differ, so with one seed a
 * deterministic env gives G identical rollouts: zero reward variance, no gradient. One seed per
 * sample makes the G rollouts independent draws.
 */
export class PerSampleAgent implements Agent {
  readonly info: AgentInfo;
  private readonly agents = new Map<number, Agent>();

  constructor(private readonly make: (sample: number) => Agent) {
    this.info = this.agentFor(0).info;
  }

  act(context: AgentContext, signal: AbortSignal): Promise<AgentAction> {
    return this.agentFor(sampleOf(context.episodeId)).act(context, signal);
  }

  private agentFor(sample: number): Agent {
    let agent = this.agents.get(sample);
    if (!agent) this.agents.set(sample, (agent = this.make(sample)));
    return agent;
  }
}

function sampleOf(episodeId: string): number {
  const sample = Number(episodeId.split(':').at(-1));
  return Number.isInteger(sample) && sample >= 0 ? sample : 0;
}
