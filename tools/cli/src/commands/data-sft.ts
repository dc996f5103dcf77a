import type { Command } from 'commander';
import { SHIPPED_TEMPLATES, TOKENIZERS } from '@workgym/trainers/sft';
import { lazy } from '../lazy.js';
import { MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP } from '../mix-verifiers.js';
import { addOptions, COUNT, numberOption } from '../options.js';

export function defineDataSft(command: Command): void {
  command
    .requiredOption('--out <dir>', 'folder for sft.jsonl and sft-meta.json')
    .option('--template <name|file>', `chat template: ${Object.keys(SHIPPED_TEMPLATES).join(', ')} or a .jinja file`, 'qwen-hermes')
    .option('--tokenizer <name>', `tokenizer: ${TOKENIZERS.join(', ')} (default: the shipped template's own)`)
    .addOption(numberOption('--max-length <n>', 'tokens per packed sequence; longer episodes are left out and listed', COUNT, 8192))
    .option('--no-pack', 'one episode per sequence instead of packing several')
    .option('--include-failures', 'also episodes that did not succeed (default: successful only)')
    .option('--include-test', 'also test-split episodes (refused otherwise: they are kept for evaluation); their records carry the test canary')
    .option(MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP);
  addOptions(command, { onlyEnvs: {}, onlyFamilies: {}, onlyJobs: {}, minReward: {}, dedupe: {} })
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
    .action(lazy(async () => (await import('../actions/data-sft.js')).writeSft));
}
