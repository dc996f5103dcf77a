import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isTestEpisode, TEST_CANARY, type EpisodeRecord } from '@workgym/trajectories';
import { TemplateCheckError, TrainerInputError } from '../errors.js';
import type { ChatTemplate } from './chat-template.js';
import { recordExamples, renderSegments, tokenizeSegments, type TokenizedExample } from './render-sft.js';
import { checkTemplate, type TemplateCheckReport } from './template-check.js';
import type { TextTokenizer } from './tokenizer.js';

/** Several examples in one sequence of at most maxLength tokens. */
export interface Pack {
  inputIds: number[];
  lossMask: number[];
  weights: number[];
  /** Position ids restart at 0 for each example (so attention can be kept per example). */
  positionIds: number[];
  /** Start offsets of the examples in the pack, then the end (cu_seqlens). */
  boundaries: number[];
  examples: string[];
  /** TEST_CANARY when an example of the pack is from a test-split episode. */
  canary?: string;
}

export interface SftDataset {
  tokenizer: string;
  template: string;
  templateSha256: string;
  maxLength: number;
  check: TemplateCheckReport;
  examples: TokenizedExample[];
  packs: Pack[];
  /** Examples longer than maxLength: left out (cutting one would train on half a tool call). */
  tooLong: string[];
}

export interface SftOptions {
  template: ChatTemplate;
  tokenizer: TextTokenizer;
  maxLength: number;
  /** Use only successful episodes (default true). */
  onlySuccessful?: boolean;
  /**
   * Weight of an episode's assistant turns (default 1); invalid turns (error steps) and turns that
   * are only context (earlier turns of a window:N / memory:N view) always get 0.
   */
  episodeWeight?: (record: EpisodeRecord) => number;
  /** Pack several examples per sequence (default true); false gives one example per sequence. */
  pack?: boolean;
  /** false: assistant turns without their text (the expert's rationale); default true. */
  rationale?: boolean;
}

/**
 * Token-level SFT data: each episode rendered with the chat template, tokenised, masked to its
 * assistant tokens, weighted, and packed first-fit into sequences of at most maxLength tokens.
 * The template is checked first; a template that fails the check is refused.
 */
export function buildSftDataset(records: readonly EpisodeRecord[], options: SftOptions): SftDataset {
  if (!Number.isInteger(options.maxLength) || options.maxLength < 16)
    throw new TrainerInputError(`maxLength must be an integer >= 16, not ${options.maxLength}`);
  const check = checkTemplate(options.template, options.tokenizer);
  if (!check.ok) {
    throw new TemplateCheckError(
      `template ${options.template.name} fails the check, so its masks would be silently wrong:\n  ${check.problems.join('\n  ')}`,
      check.problems,
    );
  }
  const used = options.onlySuccessful === false ? records : records.filter((r) => r.success);
  const examples: TokenizedExample[] = [];
  const tooLong: string[] = [];
  const fromTest = new Set<string>();
  for (const record of used) {
    const { examples: conversations, tools } = recordExamples(record, { rationale: options.rationale });
    const weight = options.episodeWeight?.(record) ?? 1;
    for (const { id, messages, weights, targets } of conversations) {
      const segments = renderSegments(options.template, messages, options.tokenizer, {
        tools,
        weightOf: (_, i) => weights[i]! * weight,
        targetOf: (_, i) => targets[i]!,
      });
      const example = tokenizeSegments(id, segments, options.tokenizer, messages.length);
      if (example.inputIds.length > options.maxLength) tooLong.push(example.id);
      else examples.push(example);
      if (isTestEpisode(record)) fromTest.add(example.id);
    }
  }
  return {
    tokenizer: options.tokenizer.name,
    template: options.template.name,
    templateSha256: options.template.sha256,
    maxLength: options.maxLength,
    check,
    examples,
    packs: markTestPacks(options.pack === false ? examples.map((e) => pack([e], options.maxLength)[0]!) : pack(examples, options.maxLength), fromTest),
    tooLong,
  };
}

function markTestPacks(packs: Pack[], fromTest: ReadonlySet<string>): Pack[] {
  return packs.map((p) => (p.examples.some((id) => fromTest.has(id)) ? { ...p, canary: TEST_CANARY } : p));
}

/** First-fit decreasing packing; deterministic for the same examples. */
export function pack(examples: readonly TokenizedExample[], maxLength: number): Pack[] {
  const order = [...examples].sort((a, b) => b.inputIds.length - a.inputIds.length || a.id.localeCompare(b.id));
  const packs: Pack[] = [];
  for (const e of order) {
    let target = packs.find((p) => p.inputIds.length + e.inputIds.length <= maxLength);
    if (!target) {
      target = { inputIds: [], lossMask: [], weights: [], positionIds: [], boundaries: [0], examples: [] };
      packs.push(target);
    }
    target.inputIds.push(...e.inputIds);
    target.lossMask.push(...e.lossMask);
    target.weights.push(...e.weights);
    target.positionIds.push(...e.inputIds.map((_, i) => i));
    target.boundaries.push(target.inputIds.length);
    target.examples.push(e.id);
  }
  return packs;
}

/** Writes `sft.jsonl` (one pack per line) and `sft-meta.json` (tokenizer, template hash, check, counts). */
export async function writeSftDataset(dir: string, data: SftDataset): Promise<{ data: string; meta: string }> {
  const dataPath = join(dir, 'sft.jsonl');
  const metaPath = join(dir, 'sft-meta.json');
  await writeFile(
    dataPath,
    data.packs
      .map((p) =>
        JSON.stringify({
          input_ids: p.inputIds,
          loss_mask: p.lossMask,
          weights: p.weights,
          position_ids: p.positionIds,
          boundaries: p.boundaries,
          examples: p.examples,
          ...(p.canary ? { canary: p.canary } : {}),
        }),
      )
      .join('\n') + '\n',
  );
  const trained = data.examples.reduce((n, e) => n + e.lossMask.reduce((a, b) => a + b, 0), 0);
  const total = data.examples.reduce((n, e) => n + e.inputIds.length, 0);
  await writeFile(
    metaPath,
    JSON.stringify(
      {
        tokenizer: data.tokenizer,
        template: data.template,
        templateSha256: data.templateSha256,
        maxLength: data.maxLength,
        examples: data.examples.length,
        packs: data.packs.length,
        tokens: total,
        trainedTokens: trained,
        tooLong: data.tooLong,
        check: data.check,
      },
      null,
      2,
    ) + '\n',
  );
  return { data: dataPath, meta: metaPath };
}
