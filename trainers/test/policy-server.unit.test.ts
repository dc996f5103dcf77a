import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatesFromText, LinearPolicy, PolicyServer, stateFromChat } from '../src/index.js';

let server: PolicyServer;
beforeAll(async () => {
  const policy = new LinearPolicy(1 << 12);
  server = await PolicyServer.start({ policy });
  // Make "submit" the clear favourite so greedy answers are predictable.
  const state = stateFromChat({
    messages: [{ role: 'user', content: 'x' }],
    workgym_candidates: [
      { name: 'submit', arguments: '{}' },
      { name: 'add', arguments: '{"amount":1}' },
    ],
  });
  policy.update(Array.from({ length: 20 }, () => ({ features: policy.features(state), chosen: 0, weight: 1 })));
});
afterAll(() => server.close());

let client: OpenAI;
beforeAll(() => {
  client = new OpenAI({ baseURL: server.baseURL, apiKey: 'none', maxRetries: 0 });
});

const post = (body: unknown) =>
  fetch(`${server.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the policy server (OpenAI-compatible)', () => {
  it('answers a chat completion with one tool call chosen among workgym_candidates', async () => {
    const response = await post({
      model: 'anything',
      temperature: 0,
      logprobs: true,
      messages: [{ role: 'user', content: 'x' }],
      workgym_candidates: [
        { name: 'add', arguments: '{"amount":1}' },
        { name: 'submit', arguments: {} },
      ],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] }; logprobs: { content: { logprob: number }[] } }[];
      usage: { prompt_tokens: number };
    };
    expect(body.choices[0]!.message.tool_calls[0]!.function).toEqual({ name: 'submit', arguments: '{}' });
    expect(body.choices[0]!.logprobs.content[0]!.logprob).toBe(0); // greedy: probability 1
    expect(body.usage.prompt_tokens).toBe(1);
  });

  it('reads candidates from a "Candidate actions:" block in the last tool or user message', async () => {
    const response = await post({
      temperature: 0,
      messages: [
        { role: 'user', content: 'Bring the counter to 5' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'add', arguments: '{"amount":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'counter = 1\n\nCandidate actions:\n1. add {"amount":1}\n2. submit {}' },
      ],
    });
    const body = (await response.json()) as { choices: { message: { tool_calls: { function: { name: string } }[] } }[] };
    expect(body.choices[0]!.message.tool_calls[0]!.function.name).toBe('submit');
    expect(candidatesFromText('Candidate actions:\n- read_file {"path":"a.py"}\n- submit\nafter')).toEqual([
      { name: 'read_file', argumentsJson: '{"path":"a.py"}' },
      { name: 'submit', argumentsJson: '{}' },
    ]);
  });

  it('rebuilds the history and the observation from the messages', () => {
    const state = stateFromChat({
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'task\n\nfirst' },
        { role: 'assistant', tool_calls: [{ id: 'a', function: { name: 'add', arguments: '{"amount":1}' } }] },
        { role: 'tool', tool_call_id: 'a', content: 'counter = 2' },
      ],
      workgym_candidates: [{ name: 'submit' }],
    });
    expect(state).toEqual({
      instruction: 'task\n\nfirst',
      observation: 'counter = 2',
      history: [{ name: 'add', argumentsJson: '{"amount":1}', result: 'counter = 2' }],
      candidates: [{ name: 'submit', argumentsJson: '{}' }],
    });
  });

  it('answers 400 with what to do when the request carries no candidates, and 404 for other routes', async () => {
    const response = await post({ messages: [{ role: 'user', content: 'hello' }] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/workgym_candidates/);
    expect((await post('{not json')).status).toBe(400);
    expect((await fetch(`${server.baseURL}/completions`, { method: 'POST' })).status).toBe(404);
    const models = (await (await fetch(`${server.baseURL}/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]!.id).toBe('workgym-linear');
  });

  it('gives the same answer to the same request at temperature 1 (seeded by the request)', async () => {
    const body = { temperature: 1, seed: 7, messages: [{ role: 'user', content: 'q' }], workgym_candidates: ['a', 'b', 'c', 'd'].map((name) => ({ name })) };
    const pick = async () =>
      ((await (await post(body)).json()) as { choices: { message: { tool_calls: { function: { name: string } }[] } }[] }).choices[0]!.message.tool_calls[0]!
        .function.name;
    expect(await pick()).toBe(await pick());
  });
});

/**
 * A request as the openai agent sends it: the env's tools and its candidate actions in
 * workgym_candidates (the SDK sends body fields it does not know as they are).
 */
const LONG_ARGS = '{"path":"src/a/very/long/path/to/some/file.py","line":12}';
const request = (extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}) =>
  ({
    model: 'workgym-linear',
    temperature: 0,
    messages: [{ role: 'user', content: 'Open the file.' }],
    tools: ['open', 'submit', 'add'].map((name) => ({ type: 'function' as const, function: { name, parameters: { type: 'object' } } })),
    workgym_candidates: [
      { name: 'open', arguments: LONG_ARGS },
      { name: 'submit', arguments: '{}' },
      { name: 'add', arguments: '{"amount":1}' },
    ],
    ...extra,
  }) as unknown as ChatCompletionCreateParamsNonStreaming;

describe('the policy server through the official openai client', () => {
  it('answers chat.completions.create with one tool call per choice', async () => {
    const completion = await client.chat.completions.create(request());
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('submit');
  });

  it('streams server-sent chunks the SDK reads: role, tool call deltas with their index, finish_reason, then usage', async () => {
    const stream = await client.chat.completions.create({
      ...request({ tool_choice: { type: 'function', function: { name: 'open' } } }),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id)).toBe(true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const deltas = chunks.flatMap((c) => c.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(deltas.every((d) => d.index === 0)).toBe(true);
    expect(deltas[0]).toMatchObject({ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'open' } });
    // The arguments arrive in several pieces and add up to the call.
    expect(deltas.filter((d) => d.function?.arguments).length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.function?.arguments ?? '').join('')).toBe(LONG_ARGS);
    expect(chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual(['tool_calls']);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    // Usage counts words: "Open the file." is 3, the call is 1 + the words of its arguments (1).
    expect(last.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('gives the same completion streamed (assembled by the SDK from deltas) as unstreamed', async () => {
    const params = request({ tool_choice: { type: 'function', function: { name: 'open' } }, n: 2, temperature: 1, seed: 3 });
    const plain = await client.chat.completions.create(params);
    const assembled = await client.chat.completions.stream({ ...params, stream: true }).finalChatCompletion();
    // Call ids name the request (call_<request>_<choice>); everything else is the same.
    const shape = (c: { index: number; finish_reason: string | null; message: { tool_calls?: unknown[] } }) => [
      c.index,
      c.finish_reason,
      (c.message.tool_calls as { id: string; function: object }[]).map(({ id, ...call }) => ({ ...call, id: id.replace(/^call_\d+_/, '') })),
    ];
    expect(assembled.choices.map(shape)).toEqual(plain.choices.map(shape));
    expect(plain.choices[0]!.message.tool_calls![0]).toMatchObject({ function: { name: 'open', arguments: LONG_ARGS } });
  });

  it('answers n > 1 with n choices, sampled at temperature 1 and identical when greedy', async () => {
    const sampled = await client.chat.completions.create(request({ n: 12, temperature: 1, seed: 5 }));
    expect(sampled.choices.map((c) => c.index)).toEqual([...Array(12).keys()]);
    expect(new Set(sampled.choices.map((c) => JSON.stringify(c.message.tool_calls![0]!))).size).toBeGreaterThan(1);
    const greedy = await client.chat.completions.create(request({ n: 3 }));
    expect(new Set(greedy.choices.map((c) => (c.message.tool_calls![0] as { function: { name: string } }).function.name))).toEqual(new Set(['submit']));
    // Usage adds up the choices: each is 1 + the words of its arguments ("{}": 2).
    expect(greedy.usage!.completion_tokens).toBe(3 * 2);
  });

  it('keeps to tool_choice and the tools offered, and refuses tool_choice "none" it cannot meet', async () => {
    const named = await client.chat.completions.create(request({ tool_choice: { type: 'function', function: { name: 'add' } } }));
    expect((named.choices[0]!.message.tool_calls![0] as { function: { name: string } }).function.name).toBe('add');
    const allowed = await client.chat.completions.create(
      request({ tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'open' } }] } } }),
    );
    expect((allowed.choices[0]!.message.tool_calls![0] as { function: { name: string } }).function.name).toBe('open');
    const offered = await client.chat.completions.create(request({ tools: [{ type: 'function', function: { name: 'add', parameters: { type: 'object' } } }] }));
    expect((offered.choices[0]!.message.tool_calls![0] as { function: { name: string } }).function.name).toBe('add');
    await expect(client.chat.completions.create(request({ tool_choice: 'none' }))).rejects.toMatchObject({
      status: 400,
      param: 'tool_choice',
      message: expect.stringMatching(/only ever answers with a tool call/),
    });
  });

  it('returns top_logprobs: the most likely candidates with their log-probabilities', async () => {
    const completion = await client.chat.completions.create(request({ temperature: 1, logprobs: true, top_logprobs: 2 }));
    const token = completion.choices[0]!.logprobs!.content![0]!;
    expect(token.top_logprobs).toHaveLength(2);
    expect(token.top_logprobs[0]!.token).toBe('submit{}');
    expect(token.top_logprobs[0]!.logprob).toBeGreaterThan(token.top_logprobs[1]!.logprob);
    expect(Math.exp(token.top_logprobs[0]!.logprob) + Math.exp(token.top_logprobs[1]!.logprob)).toBeLessThan(1);
  });

  it('samples only within top_p, and stops at max_tokens with finish_reason "length"', async () => {
    const nucleus = await client.chat.completions.create(request({ temperature: 2, top_p: 0.01, n: 8, seed: 1 }));
    expect(new Set(nucleus.choices.map((c) => (c.message.tool_calls![0] as { function: { name: string } }).function.name))).toEqual(new Set(['submit']));
    const cut = await client.chat.completions.create(request({ tool_choice: { type: 'function', function: { name: 'open' } }, max_tokens: 1 }));
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '' } });
    expect(cut.choices[0]!.message.tool_calls).toBeUndefined();
  });

  it('answers 400 naming the parameter it cannot honour, never ignoring one', async () => {
    for (const [param, extra] of [
      ['frequency_penalty', { frequency_penalty: 0.5 }],
      ['stop', { stop: ['\n'] }],
      ['response_format', { response_format: { type: 'json_object' } }],
      ['logit_bias', { logit_bias: { '42': 10 } }],
      ['top_logprobs', { top_logprobs: 2 }],
      ['store', { store: true }],
      ['top_k', { top_k: 5 }],
    ] as const) {
      await expect(client.chat.completions.create(request(extra as Partial<ChatCompletionCreateParamsNonStreaming>)), param).rejects.toMatchObject({
        status: 400,
        param,
      });
    }
    // Neutral values and parameters that cannot change the answer are accepted.
    const fine = await client.chat.completions.create(
      request({ frequency_penalty: 0, stop: [], user: 'me', metadata: { run: 'x' }, parallel_tool_calls: false, service_tier: 'auto' }),
    );
    expect(fine.service_tier).toBe('default');
  });
});
