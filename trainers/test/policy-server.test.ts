import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidatesFromText, LinearPolicy, PolicyServer, stateFromChat } from '../src/index.js';

let server: PolicyServer;
beforeAll(async () => {
  const policy = new LinearPolicy(1 << 12);
  server = await PolicyServer.start({ policy });
  // Make "submit" the clear favourite so greedy answers are predictable.
  const state = stateFromChat({ messages: [{ role: 'user', content: 'x' }], workgym_candidates: [{ name: 'submit', arguments: '{}' }, { name: 'add', arguments: '{"amount":1}' }] });
  policy.update(Array.from({ length: 20 }, () => ({ features: policy.features(state), chosen: 0, weight: 1 })));
});
afterAll(() => server.close());

const post = (body: unknown) =>
  fetch(`${server.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the policy server (OpenAI-compatible)', () => {
  it('answers a chat completion with one tool call chosen among workgym_candidates', async () => {
    const response = await post({
      model: 'anything',
      temperature: 0,
      logprobs: true,
      messages: [{ role: 'user', content: 'x' }],
      workgym_candidates: [{ name: 'add', arguments: '{"amount":1}' }, { name: 'submit', arguments: {} }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] }; logprobs: { content: { logprob: number }[] } }[]; usage: { prompt_tokens: number } };
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
    const pick = async () => ((await (await post(body)).json()) as { choices: { message: { tool_calls: { function: { name: string } }[] } }[] }).choices[0]!.message.tool_calls[0]!.function.name;
    expect(await pick()).toBe(await pick());
  });
});
