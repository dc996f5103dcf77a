import { mkdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  buildSftDataset,
  ChatTemplate,
  loadTokenizer,
  SHIPPED_TEMPLATES,
  TOKENIZERS,
  writeSftDataset,
  type ShippedTemplate,
  type SftDataset,
  type TokenizerName,
} from '@workgym/trainers/sft';
import { refuseMixedVerifiers, refuseTestEpisodes, selectEpisodes, type EpisodeRecord } from '@workgym/trajectories';
import { checkOutFolder, withRun } from '../run-helpers.js';
import { UsageError } from '../usage-error.js';

interface SftFlags {
  out: string;
  template: string;
  tokenizer?: string;
  maxLength: number;
  pack: boolean;
  includeFailures?: boolean;
  includeTest?: boolean;
  mixVerifiers?: boolean;
  env?: string[];
  family?: string[];
  job?: string[];
  minReward?: number;
  dedupe?: boolean;
  rationale: boolean;
  json?: boolean;
}

/** The tokenizer each shipped template was written for. */
const TEMPLATE_TOKENIZER: Record<ShippedTemplate, TokenizerName> = { 'qwen-hermes': 'qwen3', 'llama3.1': 'llama3' };

/** A shipped template by name, or a .jinja file (which then needs --tokenizer). */
async function templateAndTokenizer(flags: SftFlags): Promise<{ template: ChatTemplate; tokenizer: TokenizerName }> {
  const shipped = flags.template in SHIPPED_TEMPLATES ? (flags.template as ShippedTemplate) : undefined;
  if (!shipped && !flags.template.endsWith('.jinja')) {
    throw new UsageError(`--template must be one of ${Object.keys(SHIPPED_TEMPLATES).join(', ')} or a .jinja file, not ${JSON.stringify(flags.template)}`);
  }
  const tokenizer = flags.tokenizer ?? (shipped ? TEMPLATE_TOKENIZER[shipped] : undefined);
  if (!tokenizer) throw new UsageError(`a template file needs --tokenizer (${TOKENIZERS.join(' or ')}): the one its model uses`);
  if (!(TOKENIZERS as readonly string[]).includes(tokenizer))
    throw new UsageError(`--tokenizer must be one of ${TOKENIZERS.join(', ')}, not ${JSON.stringify(tokenizer)}`);
  if (shipped) return { template: ChatTemplate.shipped(shipped), tokenizer: tokenizer as TokenizerName };
  const source = await readFile(flags.template, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read --template ${flags.template}: ${error.message}`);
  });
  return { template: new ChatTemplate(basename(flags.template, '.jinja'), source), tokenizer: tokenizer as TokenizerName };
}

function summary(data: SftDataset, files: { data: string; meta: string }, episodes: number) {
  const tokens = data.examples.reduce((n, e) => n + e.inputIds.length, 0);
  const trained = data.examples.reduce((n, e) => n + e.lossMask.reduce((a, b) => a + b, 0), 0);
  return {
    ...files,
    episodes,
    examples: data.examples.length,
    packs: data.packs.length,
    tokens,
    trainedTokens: trained,
    tooLong: data.tooLong,
    tokenizer: data.tokenizer,
    template: data.template,
    templateSha256: data.templateSha256,
    check: data.check,
  };
}

export async function writeSft(run: string, flags: SftFlags): Promise<void> {
  const maxLength = flags.maxLength;
  checkOutFolder(flags.out, '--out');
  const { template, tokenizer } = await templateAndTokenizer(flags);
  const select = { env: flags.env, family: flags.family, job: flags.job, minReward: flags.minReward, dedupe: flags.dedupe };
  await withRun(run, async (reader) => {
    const picked = selectEpisodes(reader.summaries(), select);
    refuseTestEpisodes(picked, flags.includeTest);
    refuseMixedVerifiers(picked, flags.mixVerifiers);
    const records: EpisodeRecord[] = [];
    for (const s of picked) records.push(await reader.read(s));
    // Throws TemplateCheckError before anything is written when the template is broken.
    const dataset = buildSftDataset(records, {
      template,
      tokenizer: loadTokenizer(tokenizer),
      maxLength,
      pack: flags.pack,
      onlySuccessful: !flags.includeFailures,
      rationale: flags.rationale,
    });
    if (dataset.examples.length === 0) {
      throw new UsageError(
        `no episode to write: ${records.length} selected, ${dataset.tooLong.length} longer than --max-length ${maxLength}` +
          (flags.includeFailures ? '' : ' (only successful episodes are used; --include-failures adds the rest)'),
      );
    }
    await mkdir(flags.out, { recursive: true });
    const report = summary(dataset, await writeSftDataset(flags.out, dataset), records.length);
    console.log(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
  });
}

function formatReport(r: ReturnType<typeof summary>): string {
  return [
    `${r.examples} episodes (of ${r.episodes} selected) in ${r.packs} sequences, ${r.tokens} tokens, ${r.trainedTokens} trained (${((100 * r.trainedTokens) / Math.max(1, r.tokens)).toFixed(1)}%)`,
    `template ${r.template} (sha256 ${r.templateSha256.slice(0, 12)}…) with ${r.tokenizer}: check passed`,
    ...(r.tooLong.length
      ? [`left out ${r.tooLong.length} episode(s) longer than the maximum length: ${r.tooLong.slice(0, 5).join(', ')}${r.tooLong.length > 5 ? ', …' : ''}`]
      : []),
    `wrote ${r.data} and ${r.meta}`,
  ].join('\n');
}
