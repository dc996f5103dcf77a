import type { Agent, AgentAction, AgentContext } from '../agent.js';

/** Acts as the task's reference solution does: expert demonstrations. */
export class ExpertAgent implements Agent {
  readonly info = { kind: 'expert', model: '', contextPolicy: 'none' };

  async act(context: AgentContext, signal: AbortSignal): Promise<AgentAction> {
    const action = await context.expert(signal);
    return { calls: action.calls.map((c, i) => ({ ...c, id: `expert-${context.stepIndex}-${i}` })), text: action.text };
  }
}
