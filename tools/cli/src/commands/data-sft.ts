import { mkdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { buildSftDataset, ChatTemplate, loadTokenizer, SHIPPED_TEMPLATES, TOKENIZERS, writeSftDataset, type ShippedTemplate, type SftDataset, type TokenizerName } from '@workgym/trainers';
import { selectEpisodes, type EpisodeRecord, type SelectOptions } from '@workgym/trajectories';
import { checkOutFolder, list, number, positiveInteger, withRun } from '../run-helpers.js';
import { UsageError } from '../usage-error.js';

interface SftFlags {
  out: string;
  template: string;
  tokenizer?: string;
  maxLength: string;
  pack: boolean;
  includeFailures?: boolean;
  env?: string;
  family?: string;
  job?: string;
  minReward?: string;
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
  if (!(TOKENIZERS as readonly string[]).includes(tokenizer)) throw new UsageError(`--tokenizer must be one of ${TOKENIZERS.join(', ')}, not ${JSON.stringify(tokenizer)}`);
  if (shipped) return { template: ChatTemplate.shipped(shipped), tokenizer: tokenizer as TokenizerName };
  const source = await readFile(flags.template, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read --template ${flags.template}: ${error.message}`);
  });
  return { template: new ChatTemplate(basename(flags.template, '.jinja'), source), tokenizer: tokenizer as TokenizerName };
}

function summary(data: SftDataset, files: { data: string; meta: string }, episodes: number) {
  const tokens = data.examples.reduce((n, e) => n + e.inputIds.length, 0);
  const trained = data.examples.reduce((n, e) => n + e.lossMask.reduce((a, b) => a + b, 0), 0);
  return { ...files, episodes, examples: data.examples.length, packs: data.packs.length, tokens, trainedTokens: trained, tooLong: data.tooLong, tokenizer: data.tokenizer, template: data.template, templateSha256: data.templateSha256, check: data.check };
}

export function registerDataSftCommand(data: Command): void {
  data
    .command('sft <run>')
    .description('write token-level SFT data: input ids, loss masks, weights, packed; the template is checked first')
    .requiredOption('--out <dir>', 'folder for sft.jsonl and sft-meta.json')
    .option('--template <name|file>', `chat template: ${Object.keys(SHIPPED_TEMPLATES).join(', ')} or a .jinja file`, 'qwen-hermes')
    .option('--tokenizer <name>', `tokenizer: ${TOKENIZERS.join(', ')} (default: the shipped template's own)`)
    .option('--max-length <n>', 'tokens per packed sequence; longer episodes are left out and listed', '8192')
    .option('--no-pack', 'one episode per sequence instead of packing several')
    .option('--include-failures', 'also episodes that did not succeed (default: successful only)')
    .option('--env <names>', 'only these envs (comma-separated)')
    .option('--family <ids>', 'only these task families (comma-separated)')
    .option('--job <names>', 'only these jobs (comma-separated)')
    .option('--min-reward <x>', 'only episodes with final reward >= x')
    .option('--dedupe', 'keep one episode per task and identical action sequence')
    .option('--no-rationale', "leave out the assistant turns' text (the expert's rationale for each call), keeping the calls")
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nEach line of sft.jsonl is one sequence: input_ids, loss_mask (1 on assistant reply tokens only),\n' +
        'weights (0 on turns whose calls were invalid), position_ids, boundaries (cu_seqlens), examples.\n' +
        'Steps injected as noise (rollout --noise) stay in the text as context: loss mask and weight 0.\n' +
        'sft-meta.json records the tokenizer, the template name and sha256, counts and the template check.\n' +
        'A template that re-renders earlier turns, masks nothing or does not round-trip is refused.\n' +
        '\nExamples:\n  workgym data sft runs/expert --out out/sft-qwen\n' +
        '  workgym data sft runs/expert --template llama3.1 --max-length 4096 --env code --out out/sft-llama\n' +
        '  workgym data sft runs/expert --template my-model.jinja --tokenizer qwen3 --no-pack --out out/sft-mine',
    )
    .action(async (run: string, flags: SftFlags) => {
      const maxLength = positiveInteger(flags.maxLength, '--max-length');
      checkOutFolder(flags.out, '--out');
      const { template, tokenizer } = await templateAndTokenizer(flags);
      const select: SelectOptions = { env: list(flags.env), family: list(flags.family), job: list(flags.job), minReward: number(flags.minReward, '--min-reward'), dedupe: flags.dedupe };
      await withRun(run, async (reader) => {
        const records: EpisodeRecord[] = [];
        for (const s of selectEpisodes(reader.summaries(), select)) records.push(await reader.read(s));
        // Throws TemplateCheckError before anything is written when the template is broken.
        const dataset = buildSftDataset(records, { template, tokenizer: loadTokenizer(tokenizer), maxLength, pack: flags.pack, onlySuccessful: !flags.includeFailures, rationale: flags.rationale });
        if (dataset.examples.length === 0) {
          throw new UsageError(`no episode to write: ${records.length} selected, ${dataset.tooLong.length} longer than --max-length ${maxLength}` + (flags.includeFailures ? '' : ' (only successful episodes are used; --include-failures adds the rest)'));
        }
        await mkdir(flags.out, { recursive: true });
        const report = summary(dataset, await writeSftDataset(flags.out, dataset), records.length);
        console.log(flags.json ? JSON.stringify(report, null, 2) : formatReport(report));
      });
    });
}

function formatReport(r: ReturnType<typeof summary>): string {
  return [
    `${r.examples} episodes (of ${r.episodes} selected) in ${r.packs} sequences, ${r.tokens} tokens, ${r.trainedTokens} trained (${((100 * r.trainedTokens) / Math.max(1, r.tokens)).toFixed(1)}%)`,
    `template ${r.template} (sha256 ${r.templateSha256.slice(0, 12)}…) with ${r.tokenizer}: check passed`,
    ...(r.tooLong.length ? [`left out ${r.tooLong.length} episode(s) longer than the maximum length: ${r.tooLong.slice(0, 5).join(', ')}${r.tooLong.length > 5 ? ', …' : ''}`] : []),
    `wrote ${r.data} and ${r.meta}`,
  ].join('\n');
}
