import { afterEach, describe, expect, it } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import { NothingAgent, SubmitAgent, runEpisode } from '../src/index.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

const env = { version: '1.0.0', imageId: '' };
const clients: EnvClient[] = [];
function client(): EnvClient {
  const c = counterClient();
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

describe('the agents for family authors', () => {
  it('nothing takes no action until the step limit truncates the episode with reward 0', async () => {
    const record = await runEpisode({ client: client(), agent: new NothingAgent(), task: counterTask(2), ids: ids(), limits: limits({ maxSteps: 3 }), env });
    expect(record).toMatchObject({ status: 'truncated', success: false, finalReward: 0, agent: { kind: 'nothing' } });
    expect(record.steps!.map((s) => s.toolCalls!.length)).toEqual([0, 0, 0]);
    expect(record.steps!.map((s) => s.errorKind)).toEqual(['no_tool_call', 'no_tool_call', 'no_tool_call']);
  });

  it('submit submits at the first step, and the verifier judges the starting state', async () => {
    const record = await runEpisode({ client: client(), agent: new SubmitAgent(), task: counterTask(2), ids: ids(), limits: limits(), env });
    expect(record).toMatchObject({ status: 'failure', success: false, agent: { kind: 'submit' } });
    expect(record.steps!.map((s) => s.toolCalls![0]!.name)).toEqual(['submit']);
    expect(record.rewardComponents).toMatchObject({ reached: 0, submitted: 1 });
  });
});
