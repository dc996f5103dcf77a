import type { EpisodeRecord, EpisodeStatus, StepRecord, ToolSchema } from '../src/index.js';

/** Deterministic pseudo-random numbers (mulberry32), so fixtures are the same every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'button link heading textbox checkbox list item price cart order customer invoice total search filter submit cancel next previous page table row cell column sheet formula value'.split(
    ' ',
  );

function words(random: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(random() * WORDS.length)]!);
  return out.join(' ');
}

/** An accessibility-tree-like page: many short lines, as a browser env shows. */
function pageText(random: () => number, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`[${100 + i}] ${words(random, 1)} "${words(random, 3)}"`);
  return out.join('\n');
}

export const SAMPLE_TOOLS: ToolSchema[] = [
  ['click', 'Click the element with the given id.', { id: { type: 'integer', description: 'element id from the page' } }],
  ['type', 'Type text into a textbox, replacing what is there.', { id: { type: 'integer' }, text: { type: 'string' } }],
  ['select', 'Choose an option of a select element.', { id: { type: 'integer' }, option: { type: 'string' } }],
  ['scroll', 'Scroll the page.', { direction: { type: 'string', enum: ['up', 'down'] }, amount: { type: 'integer' } }],
  ['goto', 'Open a URL of the site.', { url: { type: 'string', format: 'uri' } }],
  ['read_cell', 'Read a spreadsheet cell.', { sheet: { type: 'string' }, cell: { type: 'string', pattern: '^[A-Z]+[0-9]+$' } }],
  ['write_cell', 'Write a value or formula to a cell.', { sheet: { type: 'string' }, cell: { type: 'string' }, value: { type: 'string' } }],
  ['submit', 'Finish the task and submit the answer.', { answer: { type: 'string', description: 'the final answer, if the task asks for one' } }],
].map(([name, description, properties]) => ({
  name: name as string,
  description: description as string,
  parametersJson: JSON.stringify({ type: 'object', properties, required: Object.keys(properties as object), additionalProperties: false }),
}));

export interface EpisodeOptions {
  seed?: number;
  steps?: number;
  env?: string;
  family?: string;
  taskSeed?: number;
  status?: EpisodeStatus;
  reward?: number;
  episodeId?: string;
  groupId?: string;
  /** Image refs to put on each step's observation (already stored blobs). */
  images?: (step: number) => { sha256: string; size: number }[];
  logprobs?: boolean;
  /** Override the action of a step (tool name and arguments object). */
  action?: (step: number) => { name: string; args: object; text?: string }[];
}

/** A realistic episode: tool schemas, page-sized observations, calls, usage, timings. */
export function makeEpisode(options: EpisodeOptions = {}): EpisodeRecord {
  const seed = options.seed ?? 1;
  const random = rng(seed);
  const nSteps = options.steps ?? 2;
  const env = options.env ?? 'browser';
  const family = options.family ?? `${env}/shop-buy-cheapest`;
  const taskSeed = options.taskSeed ?? seed;
  const status = options.status ?? 'success';
  const reward = options.reward ?? (status === 'success' ? 1 : 0);
  const steps: StepRecord[] = [];
  for (let i = 0; i < nSteps; i++) {
    const actions = options.action?.(i) ?? [
      i === nSteps - 1 ? { name: 'submit', args: { answer: words(random, 2) } } : { name: 'click', args: { id: 100 + Math.floor(random() * 40) } },
    ];
    const toolCalls = actions.map((a, k) => ({ id: `call_${i}_${k}`, name: a.name, argumentsJson: JSON.stringify(a.args) }));
    const text = actions.map((a) => a.text ?? '').join('');
    const obs = pageText(random, 40);
    steps.push({
      index: i,
      observation: {
        text: obs,
        rawSize: obs.length + 1000,
        images: (options.images?.(i) ?? []).map((im) => ({ sha256: im.sha256, mimeType: 'image/png', size: im.size, label: 'screenshot' })),
        dataJson: '',
      },
      text,
      toolCalls,
      rawOutput: `${text}<tool_call>${JSON.stringify(actions.map((a) => ({ name: a.name, arguments: a.args })))}</tool_call>`,
      usage: { promptTokens: 900 + i * 400, completionTokens: 20 + Math.floor(random() * 40), cachedTokens: i * 350 },
      logprobs: options.logprobs
        ? [
            {
              token: '<tool_call>',
              logprob: -0.01,
              top: [
                { token: '<tool_call>', logprob: -0.01 },
                { token: 'I', logprob: -4.5 },
              ],
            },
            { token: '{"', logprob: -0.2, top: [] },
          ]
        : [],
      results: toolCalls.map((c) => ({ callId: c.id, text: `ok: ${c.name} done. ${words(random, 8)}`, errorKind: '', errorMessage: '' })),
      reward: i === nSteps - 1 ? reward : 0,
      terminated: i === nSteps - 1 && status !== 'truncated',
      truncated: i === nSteps - 1 && status === 'truncated',
      errorKind: '',
      agentMs: 300 + Math.floor(random() * 900),
      envMs: 20 + Math.floor(random() * 200),
    });
  }
  const started = 1_760_000_000_000 + seed * 60_000;
  const episodeId = options.episodeId ?? `ep-${String(seed).padStart(6, '0')}`;
  return {
    runId: 'run-test',
    episodeId,
    groupId: options.groupId ?? `g-${taskSeed}`,
    env,
    family,
    job: env === 'browser' ? 'customer-support' : 'data-analyst',
    seed: taskSeed,
    split: 'train',
    instruction: `Buy the cheapest ${words(random, 2)} and report the order number. ${words(random, 20)}`,
    tools: SAMPLE_TOOLS,
    toolsHash: '',
    agent: {
      kind: 'openai',
      model: 'qwen2.5-7b-instruct',
      sampling: { temperature: 0.7, topP: 0.95, maxTokens: 512, seed: 7, extraJson: '' },
      contextPolicy: 'full',
      systemPrompt: 'You operate a web shop back office. Use the tools; call submit when done.',
    },
    envVersion: '0.1.0',
    imageId: 'sha256:4f1c0d2e',
    steps,
    finalReward: reward,
    rewardComponents: { correct_item: reward, order_placed: reward > 0 ? 1 : 0 },
    success: status === 'success',
    selfEvaluation: 0.8,
    status,
    timings: { startedAtMs: started, endedAtMs: started + 12_345, agentMs: 9000, envMs: 3000, totalMs: 12_345 },
    errorMessage: status === 'infra_error' ? 'container exited with code 137' : '',
    attempts: 1,
  };
}
