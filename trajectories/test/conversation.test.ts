import { describe, expect, it } from 'vitest';
import { toConversation } from '../src/index.js';
import type { EpisodeRecord } from '../src/index.js';

const episode: EpisodeRecord = {
  episodeId: 'e',
  status: 'failure',
  instruction: 'Do the thing.',
  agent: { kind: 'openai', systemPrompt: 'Be brief.' },
  steps: [
    {
      observation: { text: 'page 1' },
      text: 'thinking',
      toolCalls: [
        { id: '', name: 'click', argumentsJson: '{"id":1}' },
        { id: 'x', name: 'type', argumentsJson: '{"text":"hi"}' },
      ],
      results: [
        { callId: 'x', text: 'typed' },
        { callId: '', text: '', errorKind: 'stale_element', errorMessage: 'element 1 is gone' },
      ],
    },
    { observation: { text: 'page 2' }, text: 'nothing to do here', toolCalls: [] },
    { observation: { text: '' }, toolCalls: [{ id: 'y', name: 'submit', argumentsJson: '' }], results: [{ callId: 'y', text: 'submitted' }] },
  ],
};

describe('toConversation', () => {
  it('renders system, instruction + first observation, turns with their tool results, next observations after them', () => {
    expect(toConversation(episode)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Do the thing.\n\npage 1' },
      {
        role: 'assistant',
        content: 'thinking',
        toolCalls: [
          { id: 'call_0_0', name: 'click', argumentsJson: '{"id":1}' },
          { id: 'x', name: 'type', argumentsJson: '{"text":"hi"}' },
        ],
        step: 0,
        invalid: false,
      },
      // Results are matched by call id, and by position when the call had none.
      { role: 'tool', toolCallId: 'call_0_0', name: 'click', content: 'error (stale_element): element 1 is gone' },
      { role: 'tool', toolCallId: 'x', name: 'type', content: 'typed\n\npage 2' },
      { role: 'assistant', content: 'nothing to do here', toolCalls: [], step: 1, invalid: false },
      // An empty observation still gets its user turn, so model turns never follow each other.
      { role: 'user', content: '' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'y', name: 'submit', argumentsJson: '{}' }], step: 2, invalid: false },
      { role: 'tool', toolCallId: 'y', name: 'submit', content: 'submitted' },
    ]);
  });
});
