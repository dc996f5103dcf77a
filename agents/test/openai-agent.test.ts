import { afterEach, describe, expect, it } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import { OpenAIAgent, runEpisode, type OpenAIAgentOptions } from '../src/index.js';
import { startChatServer, type ChatRequest, type Reply } from './fixtures/chat-server.js';
import { counterClient, counterTask, ids, limits } from './helpers.js';

const env = { version: '1.0.0', imageId: '' };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(respond: (request: ChatRequest, index: number) => Reply | Promise<Reply>, options: Partial<OpenAIAgentOptions> = {}) {
  const server = await startChatServer(respond);
  const client: EnvClient = counterClient();
  cleanups.push(() => server.close(), () => client.close());
  const agent = new OpenAIAgent({ model: 'test-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 3, ...options });
  return { server, client, agent };
}

/** The model the counter env wants: add the difference once, then submit. */
function solver(request: ChatRequest): Reply {
  const instruction = String(request.messages[1]!.content);
  const [, from, to] = /from (\d+) to (\d+)/.exec(instruction)!.map(Number) as [number, number, number];
  const added = request.messages.some((m) => m.role === 'tool');
  return added ? { toolCalls: [{ name: 'submit', arguments: '{}' }] } : { toolCalls: [{ name: 'add', arguments: JSON.stringify({ amount: to - from }) }] };
}

describe('OpenAIAgent against a chat-completions server', () => {
  it('offers the env tools in the function format and solves a task through tool calls', async () => {
    const { server, client, agent } = await setup(solver);
    const record = await runEpisode({ client, agent, task: counterTask(4), ids: ids(), limits: limits(), env });
    expect(record.status).toBe('success');
    expect(server.requests[0]!.tools!.map((t) => t.function.name)).toContain('add');
    expect(server.requests[0]!.tools![0]).toMatchObject({ type: 'function', function: { parameters: { type: 'object' } } });
    const second = server.requests[1]!.messages;
    expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(second[3]!.tool_call_id).toBe((second[2]!.tool_calls![0] as { id: string }).id);
    expect(record.agent).toMatchObject({ kind: 'openai', model: 'test-model', contextPolicy: 'full' });
    expect(record.steps![0]!.rawOutput).toContain('"tool_calls"');
  });

  it('sends the candidate actions as workgym_candidates only when asked to', async () => {
    const plain = await setup(solver);
    await runEpisode({ client: plain.client, agent: plain.agent, task: counterTask(4), ids: ids(), limits: limits(), env });
    expect(plain.server.requests[0]).not.toHaveProperty('workgym_candidates');
    const { server, client, agent } = await setup(solver, { sendCandidates: true });
    await runEpisode({ client, agent, task: counterTask(4), ids: ids(), limits: limits(), env });
    expect(server.requests[0]!.workgym_candidates).toEqual([
      { name: 'add', arguments: '{"amount":1}' },
      { name: 'add', arguments: '{"amount":-1}' },
      { name: 'submit', arguments: '{}' },
    ]);
  });

  it('applies parallel tool calls of one response in one step', async () => {
    const { client, agent } = await setup((request) =>
      request.messages.some((m) => m.role === 'tool')
        ? { toolCalls: [{ name: 'submit', arguments: '{}' }] }
        : { toolCalls: [{ name: 'add', arguments: '{"amount":1}' }, { name: 'add', arguments: '{"amount":2}' }] },
    );
    const record = await runEpisode({ client, agent, task: counterTask(), ids: ids(), limits: limits(), env });
    expect(record.steps![0]!.toolCalls).toHaveLength(2);
    expect(record.steps![0]!.results!.map((r) => r.errorKind)).toEqual(['', '']);
  });

  it('retries 429 and 5xx answers with backoff and then succeeds', async () => {
    const { server, client, agent } = await setup((request, index) => (index === 0 ? { status: 429 } : index === 1 ? { status: 503 } : solver(request)));
    const record = await runEpisode({ client, agent, task: counterTask(), ids: ids(), limits: limits(), env });
    expect(record.status).toBe('success');
    expect(server.requests.length).toBe(4);
  });

  it('records agent_error when the endpoint keeps failing', async () => {
    const { client, agent } = await setup(() => ({ status: 500, message: 'down' }), { maxRetries: 1 });
    const record = await runEpisode({ client, agent, task: counterTask(), ids: ids(), limits: limits(), env });
    expect(record.status).toBe('agent_error');
    expect(record.errorMessage).toMatch(/500/);
  });

  it('records token usage and logprobs when the server gives them', async () => {
    const { client, agent } = await setup(solver, { topLogprobs: 1 });
    const record = await runEpisode({ client, agent, task: counterTask(), ids: ids(), limits: limits(), env });
    const step = record.steps![0]!;
    expect(step.usage).toMatchObject({ cachedTokens: 3 });
    expect(step.usage!.promptTokens).toBeGreaterThan(0);
    expect(step.logprobs!.length).toBeGreaterThan(0);
    expect(step.logprobs![0]).toMatchObject({ logprob: -0.5, top: [{ logprob: -0.5 }] });
  });

  it('keeps only the last turns under a window policy, and summarises the rest under a memory policy', async () => {
    const adder = (request: ChatRequest): Reply =>
      request.messages.filter((m) => m.role === 'tool').length >= 5 && request.messages.length > 20
        ? { toolCalls: [{ name: 'submit', arguments: '{}' }] }
        : { toolCalls: [{ name: 'add', arguments: '{"amount":1}' }] };
    for (const policy of [{ kind: 'window', turns: 2 }, { kind: 'memory', turns: 2 }] as const) {
      const { server, client, agent } = await setup(adder, { context: policy });
      await runEpisode({ client, agent, task: counterTask(), ids: ids(), limits: limits({ maxSteps: 6 }), env });
      const last = server.requests.at(-1)!.messages;
      expect(last.filter((m) => m.role === 'assistant')).toHaveLength(2);
      const memory = last.find((m) => String(m.content).startsWith('Summary of earlier steps'));
      if (policy.kind === 'memory') expect(String(memory?.content)).toMatch(/step 0: add\(\{"amount":1\}\) -> counter = \d+\nstep 1:/);
      else expect(memory).toBeUndefined();
      expect(agent.info.contextPolicy).toBe(`${policy.kind}:2`);
    }
  });

  it('asks for a self-evaluation at the end and records it beside the verified reward', async () => {
    const { client, agent } = await setup((request) => (request.tools ? solver(request) : { content: '0.85' }), { selfEvaluate: true });
    const record = await runEpisode({ client, agent, task: counterTask(), ids: ids(), limits: limits(), env });
    expect(record).toMatchObject({ selfEvaluation: 0.85, finalReward: 1 });
  });

  it('keeps no more requests in flight than its concurrency limit across episodes', async () => {
    const { server, agent } = await setup(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return solver(request);
    }, { maxConcurrency: 2 });
    const clients = Array.from({ length: 5 }, () => counterClient());
    cleanups.push(async () => void (await Promise.all(clients.map((c) => c.close()))));
    const records = await Promise.all(clients.map((client, i) => runEpisode({ client, agent, task: counterTask(i + 1), ids: ids(`e:train:${i}:0`), limits: limits(), env })));
    expect(records.every((r) => r.status === 'success')).toBe(true);
    expect(server.maxInFlight).toBe(2);
  });
});
