import { REPORT_INFEASIBLE } from '@workgym/protocol';
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

/**
 * Calls `report_infeasible` at the first step without looking at the task: succeeds exactly on
 * the infeasible seeds and scores 0 on every feasible one, so an eval of it shows what giving up
 * is worth (the conformance check's "reporting infeasible at once").
 */
export class GiveUpAgent implements Agent {
  readonly info = { kind: 'give-up', model: '', contextPolicy: 'none' };

  async act(context: AgentContext): Promise<AgentAction> {
    if (!context.tools.some((t) => t.name === REPORT_INFEASIBLE)) throw new Error(`${context.task.family} offers no ${REPORT_INFEASIBLE} tool to call`);
    const argumentsJson = JSON.stringify({ reason: 'giving up at once, without looking at the task' });
    return { calls: [{ id: `give-up-${context.stepIndex}`, name: REPORT_INFEASIBLE, argumentsJson }], text: 'reporting the task infeasible at once' };
  }
}
