import { describe, expect, it } from 'vitest';
import { validateOpenAIChatRow, validateOpenAIPreferenceRow, validateShareGptRow, validateTrlPreferenceRow, validateTrlRow } from '../src/index.js';

const call = (id: string, args: unknown = '{"id":1}') => ({ id, type: 'function', function: { name: 'click', arguments: args } });
const tools = [{ type: 'function', function: { name: 'click', description: '', parameters: { type: 'object' } } }];

describe('format validators', () => {
  it('accept a well-formed OpenAI chat row', () => {
    const row = {
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'assistant', content: null, tool_calls: [call('a'), call('b')], weight: 1 },
        { role: 'tool', tool_call_id: 'a', content: 'ok' },
        { role: 'tool', tool_call_id: 'b', content: 'ok' },
        { role: 'assistant', content: 'done', weight: 0 },
      ],
      tools,
    };
    expect(validateOpenAIChatRow(row)).toEqual([]);
  });

  it('flag tool calls left unanswered, answers to no call, and roles out of order', () => {
    const problems = validateOpenAIChatRow({
      messages: [
        { role: 'assistant', content: 'early' },
        { role: 'user', content: 'u' },
        { role: 'system', content: 'late' },
        { role: 'assistant', content: null, tool_calls: [call('a')] },
        { role: 'tool', tool_call_id: 'zzz', content: 'ok' },
        { role: 'assistant', content: null, tool_calls: [call('b', { id: 1 })], weight: 2 },
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'message 0: an assistant message before any user message',
        'message 2: a system message must come first',
        'message 4: tool message answers no open call (zzz)',
        'message 5: tool calls a have no tool message',
        'message 5: tool call b arguments must be JSON text',
        'message 5: weight must be 0 or 1',
        'tool calls b have no tool message',
      ]),
    );
  });

  it('flag preference rows whose sides are not exactly one assistant message', () => {
    const prompt = [{ role: 'user', content: 'u' }];
    expect(
      validateOpenAIPreferenceRow({
        input: { messages: prompt },
        preferred_output: [
          { role: 'assistant', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
        non_preferred_output: [{ role: 'user', content: 'c' }],
      }),
    ).toEqual(['preferred_output must hold exactly one message', 'non_preferred_output must be an assistant message']);
    expect(validateTrlPreferenceRow({ prompt, chosen: [{ role: 'assistant', content: 'x' }], rejected: [{ role: 'assistant', content: 'x' }] })).toEqual([
      'chosen and rejected are the same',
    ]);
  });

  it('flag TRL tool calls whose arguments are text instead of objects', () => {
    const row = {
      messages: [
        { role: 'user', content: 'u' },
        { role: 'assistant', content: '', tool_calls: [call('a', '{"id":1}')] },
        { role: 'tool', tool_call_id: 'a', content: 'ok' },
      ],
    };
    expect(validateTrlRow(row)).toEqual(['message 1: tool call a arguments must be an object']);
  });

  it('flag sharegpt rows that break alternation or end on an observation', () => {
    const fc = JSON.stringify({ name: 'click', arguments: { id: 1 } });
    expect(
      validateShareGptRow({
        conversations: [
          { from: 'human', value: 'u' },
          { from: 'function_call', value: fc },
          { from: 'observation', value: 'ok' },
        ],
        system: '',
        tools: '[]',
      }),
    ).toEqual(['3 turns; sharegpt needs a positive even count']);
    expect(
      validateShareGptRow({
        conversations: [
          { from: 'human', value: 'u' },
          { from: 'human', value: 'again' },
        ],
        system: '',
        tools: '[]',
      }),
    ).toEqual(['turn 1 is human, expected gpt or function_call']);
  });
});
