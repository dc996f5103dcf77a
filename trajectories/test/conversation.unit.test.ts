import { describe, expect, it } from 'vitest';
import { conversationBefore, promptBeforeStep, toConversation, trainingConversations, UnknownContextPolicyError } from '../src/index.js';
import type { ConversationMessage, EpisodeRecord, StepRecord } from '../src/index.js';

const episode: EpisodeRecord = {
  episodeId: 'e',
  status: 'failure',
  instruction: 'Do the thing.',
  agent: { kind: 'openai', systemPrompt: 'Be brief.', contextPolicy: 'full' },
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
      errorKind: 'stale_element',
    },
    { observation: { text: 'page 2' }, text: 'nothing to do here', toolCalls: [], results: [{ callId: '', text: 'Error (no_tool_call): call a tool' }] },
    {
      observation: { text: '' },
      toolCalls: [
        { id: 'y', name: 'submit', argumentsJson: '' },
        { id: 'z', name: 'click', argumentsJson: '{}' },
      ],
      results: [{ callId: 'y', text: 'submitted' }],
    },
  ],
};

/** A code-env-like step: the env server makes each call's result the observation after it. */
function codeStep(i: number, observation: string, result: string): StepRecord {
  return {
    observation: { text: observation },
    toolCalls: [{ id: `c${i}`, name: 'bash', argumentsJson: `{"cmd":"step ${i}"}` }],
    results: [{ callId: `c${i}`, text: result }],
  };
}

const codeEpisode = (policy: string, steps = 4): EpisodeRecord => ({
  episodeId: 'code-1',
  instruction: 'Fix the bug.',
  agent: { kind: 'openai', systemPrompt: 'sys', contextPolicy: policy },
  steps: Array.from({ length: steps }, (_, i) => codeStep(i, i === 0 ? 'repo ready' : `out ${i - 1}`, `out ${i}`)),
});

const roles = (messages: readonly ConversationMessage[]) => messages.map((m) => m.role);

describe('the conversation', () => {
  it('renders system, instruction + first observation, each turn with its tool results, and an observation only where it differs from the last result', () => {
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
        invalid: true,
        injected: false,
        weight: 0,
      },
      // Results are matched by call id, and by position when the call had none.
      { role: 'tool', toolCallId: 'call_0_0', name: 'click', content: 'Error (stale_element): element 1 is gone' },
      { role: 'tool', toolCallId: 'x', name: 'type', content: 'typed' },
      // "page 2" is not what the last tool message said: the model was shown it.
      { role: 'user', content: 'page 2' },
      { role: 'assistant', content: 'nothing to do here', toolCalls: [], step: 1, invalid: false, injected: false, weight: 1 },
      // A step without calls has no tool message: the next observation always follows (even empty).
      { role: 'user', content: '' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'y', name: 'submit', argumentsJson: '{}' },
          { id: 'z', name: 'click', argumentsJson: '{}' },
        ],
        step: 2,
        invalid: false,
        injected: false,
        weight: 1,
      },
      { role: 'tool', toolCallId: 'y', name: 'submit', content: 'submitted' },
      // submit ended the episode, so the env never answered the click.
      { role: 'tool', toolCallId: 'z', name: 'click', content: 'not applied: the episode had ended' },
    ]);
  });

  it('never repeats an observation that is the last tool result (code and spreadsheet steps)', () => {
    const messages = toConversation(codeEpisode('full'));
    expect(roles(messages)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool']);
    expect(messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['out 0', 'out 1', 'out 2', 'out 3']);
  });

  it('gives call ids that repeat across steps a suffix, so every tool message answers one call', () => {
    const record = codeEpisode('full', 2);
    record.steps![1]!.toolCalls![0]!.id = 'c0';
    record.steps![1]!.results![0]!.callId = 'c0';
    const ids = toConversation(record).flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []));
    expect(ids).toEqual(['c0', 'c0_']);
  });

  it('shows every request under full context as a prefix of the next, so one conversation trains the whole episode', () => {
    const record = codeEpisode('full');
    const [whole, ...more] = trainingConversations(record);
    expect(more).toHaveLength(0);
    expect(whole!.id).toBe('code-1');
    for (let k = 0; k < 4; k++) {
      const prompt = promptBeforeStep(record, k);
      expect(whole!.messages.slice(0, prompt.length)).toEqual(prompt);
      expect(whole!.messages[prompt.length]).toMatchObject({ role: 'assistant', step: k });
    }
  });

  it('under window:N shows the task, the first observation and the last N turns, and trains each step on its own view', () => {
    const record = codeEpisode('window:2');
    const before3 = promptBeforeStep(record, 3);
    expect(roles(before3)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'tool']);
    expect(before3[1]).toEqual({ role: 'user', content: 'Fix the bug.\n\nrepo ready' });
    expect(before3.filter((m) => m.role === 'assistant').map((m) => (m as { step: number }).step)).toEqual([1, 2]);
    const examples = trainingConversations(record);
    expect(examples.map((e) => e.id)).toEqual(['code-1@0', 'code-1@1', 'code-1@2', 'code-1@3']);
    examples.forEach((example, k) => {
      const prompt = promptBeforeStep(record, k);
      expect(example.step).toBe(k);
      expect(example.messages.slice(0, prompt.length)).toEqual(prompt.map((m) => (m.role === 'assistant' ? { ...m, weight: 0 } : m)));
      const learned = example.messages.filter((m) => m.role === 'assistant' && m.weight === 1);
      expect(learned).toEqual([expect.objectContaining({ step: k })]);
    });
  });

  it('under memory:N adds one summary line per step left out of the window', () => {
    const before3 = promptBeforeStep(codeEpisode('memory:2'), 3);
    expect(before3[2]).toEqual({ role: 'user', content: 'Summary of earlier steps:\nstep 0: bash({"cmd":"step 0"}) -> out 0' });
    expect(roles(before3.slice(3))).toEqual(['assistant', 'tool', 'assistant', 'tool']);
  });

  it('is the same function for acting: conversationBefore on the steps taken and the current observation', () => {
    const record = codeEpisode('full', 3);
    const steps = record.steps!.slice(0, 2).map((s) => ({ observation: s.observation!.text!, text: s.text, toolCalls: s.toolCalls!, results: s.results! }));
    const live = conversationBefore({ systemPrompt: 'sys', instruction: 'Fix the bug.', steps, policy: { kind: 'full' } }, 'out 1');
    expect(live).toEqual(promptBeforeStep(record, 2));
  });

  it('refuses a context policy it cannot rebuild, and shows agents without a context in full', () => {
    expect(() => trainingConversations(codeEpisode('last-k:8'))).toThrow(UnknownContextPolicyError);
    expect(trainingConversations(codeEpisode('none'))).toHaveLength(1);
  });
});
