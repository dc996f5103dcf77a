import type { Agent, AgentAction, AgentContext } from '../agent.js';

/**
 * Takes no action at any step, so the episode runs into its step limit: a family that pays
 * anything for this pays for nothing (the conformance check's "doing nothing fails").
 */
export class NothingAgent implements Agent {
  readonly info = { kind: 'nothing', model: '', contextPolicy: 'none' };

  async act(): Promise<AgentAction> {
    return { calls: [], text: 'doing nothing' };
  }
}

/**
 * Calls `submit` at the first step without working on the task: a family that pays anything for
 * this pays for the starting state (the conformance check's "submitting at once fails").
 */
export class SubmitAgent implements Agent {
  readonly info = { kind: 'submit', model: '', contextPolicy: 'none' };

  async act(context: AgentContext): Promise<AgentAction> {
    if (!context.tools.some((t) => t.name === 'submit')) throw new Error(`${context.task.family} offers no submit tool to call`);
    return { calls: [{ id: `submit-${context.stepIndex}`, name: 'submit', argumentsJson: '{}' }], text: 'submitting at once' };
  }
}
