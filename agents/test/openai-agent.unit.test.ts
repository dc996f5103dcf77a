import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvClient } from '@workgym/protocol';
import { createRun, exportRun, type EpisodeRecord, type ExportFormat } from '@workgym/trajectories';
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
  cleanups.push(
    () => server.close(),
    () => client.close(),
  );
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
        : {
            toolCalls: [
              { name: 'add', arguments: '{"amount":1}' },
              { name: 'add', arguments: '{"amount":2}' },
            ],
          },
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
    for (const policy of [
      { kind: 'window', turns: 2 },
      { kind: 'memory', turns: 2 },
    ] as const) {
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
    const { server, agent } = await setup(
      async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return solver(request);
      },
      { maxConcurrency: 2 },
    );
    const clients = Array.from({ length: 5 }, () => counterClient());
    cleanups.push(async () => void (await Promise.all(clients.map((c) => c.close()))));
    const records = await Promise.all(
      clients.map((client, i) => runEpisode({ client, agent, task: counterTask(i + 1), ids: ids(`e:train:${i}:0`), limits: limits(), env })),
    );
    expect(records.every((r) => r.status === 'success')).toBe(true);
    expect(server.maxInFlight).toBe(2);
  });
});

/**
 * A model that thinks aloud first (a step without a call), adds half the gap with a remark, then
 * the rest, then submits; `giveUp` submits right after the first add (a failure of the same task).
 */
function stepwise(options: { giveUp?: boolean } = {}) {
  return (request: ChatRequest): Reply => {
    if (!request.tools) return { content: '0.5' };
    const [, target] = /to (\d+)/.exec(String(request.messages[1]!.content))!.map(Number) as [number, number];
    const seen = request.messages.flatMap((m) => [...String(m.content ?? '').matchAll(/counter = (-?\d+)/g)].map((x) => Number(x[1])));
    const value = seen.at(-1)!;
    const adds = request.messages.filter((m) => m.role === 'assistant' && JSON.stringify(m.tool_calls ?? []).includes('"add"')).length;
    if (!request.messages.some((m) => m.role === 'assistant')) return { content: 'Let me think first.' };
    if (value === target || (options.giveUp && adds > 0)) return { toolCalls: [{ name: 'submit', arguments: '{}' }] };
    const amount = adds === 0 ? Math.trunc((target - value) / 2) : target - value;
    return { toolCalls: [{ name: 'add', arguments: JSON.stringify({ amount }) }], content: adds === 0 ? 'Half way first.' : undefined };
  };
}

async function exported(records: EpisodeRecord[], format: ExportFormat): Promise<Record<string, unknown>[]> {
  const dir = await mkdtemp(join(tmpdir(), 'workgym-agent-export-'));
  const writer = await createRun(join(dir, 'run'));
  for (const record of records) await writer.append(record);
  await writer.close();
  await exportRun(join(dir, 'run'), { format, out: join(dir, 'out.jsonl') });
  return (await readFile(join(dir, 'out.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

type Message = Record<string, unknown>;
const withoutWeight = (messages: Message[]) => messages.map(({ weight: _, ...m }) => m);
/** A TRL message in the chat-completions shape: arguments back to JSON text, no tool name. */
const fromTrl = (m: Message): Message => {
  const { name: _, ...rest } = m;
  if (m.role === 'tool') return rest;
  const calls = m.tool_calls as { id: string; type: string; function: { name: string; arguments: object } }[] | undefined;
  const out: Message = { ...rest, content: m.content || (calls ? null : '') };
  if (calls) out.tool_calls = calls.map((c) => ({ ...c, function: { name: c.function.name, arguments: JSON.stringify(c.function.arguments) } }));
  return out;
};

describe('what the model is trained on is what it was sent', () => {
  it('full context: the exported conversation holds every request, message for message, each followed by the reply', async () => {
    const { server, client, agent } = await setup(stepwise(), { selfEvaluate: true });
    const record = await runEpisode({ client, agent, task: counterTask(3), ids: ids(), limits: limits(), env });
    expect(record.status).toBe('success');
    const acted = server.requests.filter((r) => r.tools);
    expect(acted).toHaveLength(4);
    const [row] = await exported([record], 'openai');
    const messages = withoutWeight((row as { messages: Message[] }).messages);
    for (const [k, request] of acted.entries()) {
      expect(messages.slice(0, request.messages.length), `request ${k}`).toEqual(request.messages);
      expect(messages[request.messages.length]).toMatchObject({ role: 'assistant' });
    }
    expect(messages[acted[0]!.messages.length]).toEqual({ role: 'assistant', content: 'Let me think first.' });
    expect(row!.tools).toEqual(acted[0]!.tools);
    // The code-like counter answers each call with the new state: it is never shown twice.
    expect(messages.filter((m) => m.role === 'tool').every((m) => /^counter = -?\d+$|^submitted$/.test(String(m.content)))).toBe(true);
    const [trl] = await exported([record], 'trl');
    expect((trl!.messages as Message[]).map(fromTrl)).toEqual(messages);
  });

  for (const context of ['window:2', 'memory:1'] as const) {
    it(`${context}: one exported example per step, each exactly the request of that step and its reply`, async () => {
      const [kind, turns] = context.split(':') as ['window' | 'memory', string];
      const { server, client, agent } = await setup(stepwise(), { context: { kind, turns: Number(turns) } });
      const record = await runEpisode({ client, agent, task: counterTask(3), ids: ids(), limits: limits(), env });
      expect(record.steps).toHaveLength(4);
      const rows = await exported([record], 'openai');
      expect(rows).toHaveLength(4);
      const trl = await exported([record], 'trl');
      server.requests.forEach((request, k) => {
        const messages = withoutWeight((rows[k] as { messages: Message[] }).messages);
        expect(messages.slice(0, request.messages.length), `step ${k}`).toEqual(request.messages);
        // Step 0 made no call (invalid: weight 0); every other example learns its own step.
        expect((rows[k]!.messages as Message[])[request.messages.length]).toMatchObject({ role: 'assistant', weight: k === 0 ? 0 : 1 });
        expect((trl[k]!.prompt as Message[]).map(fromTrl)).toEqual(request.messages);
      });
      const last = server.requests.at(-1)!.messages;
      expect(last.filter((m) => m.role === 'assistant')).toHaveLength(kind === 'window' ? 2 : 1);
      if (kind === 'memory')
        expect(String(last[2]!.content)).toMatch(/^Summary of earlier steps:\nstep 0: \(no tool call\) -> error no_tool_call\nstep 1: add/);
    });
  }

  it('preference pairs: the prompt is the request of the step where a success and a failure diverge', async () => {
    const good = await setup(stepwise());
    const success = await runEpisode({
      client: good.client,
      agent: good.agent,
      task: counterTask(3),
      ids: ids('counter/reach-target:train:3:0'),
      limits: limits(),
      env,
    });
    const bad = await setup(stepwise({ giveUp: true }));
    const failure = await runEpisode({
      client: bad.client,
      agent: bad.agent,
      task: counterTask(3),
      ids: ids('counter/reach-target:train:3:1'),
      limits: limits(),
      env,
    });
    expect([success.status, failure.status]).toEqual(['success', 'failure']);
    const [pair] = await exported([success, failure], 'openai-dpo');
    // Both made the same first two steps; step 2 is where one adds the rest and the other submits.
    expect((pair!.input as { messages: Message[] }).messages).toEqual(good.server.requests[2]!.messages);
    expect(pair!.preferred_output).toEqual([
      expect.objectContaining({ tool_calls: [expect.objectContaining({ function: expect.objectContaining({ name: 'add' }) })] }),
    ]);
  });
});
