import { Option, type Command } from 'commander';
import { EPISODE_STATUSES, EXPORT_FORMATS } from '@workgym/trajectories';
import { lazy } from '../lazy.js';
import { MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP } from '../mix-verifiers.js';
import { addOptions, ANY_NUMBER, listOption, numberOption } from '../options.js';

export function defineExport(command: Command): void {
  command
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <path>', 'file to write (replaced atomically)');
  addOptions(command, { onlyEnvs: {}, onlyFamilies: {}, onlyJobs: {} }).addOption(
    listOption('--status <statuses>', `only these statuses (comma-separated): ${EPISODE_STATUSES.join(', ')}`, EPISODE_STATUSES),
  );
  addOptions(command, { minReward: {} })
    .addOption(numberOption('--max-reward <x>', 'only episodes with final reward <= x', ANY_NUMBER))
    .option('--success-only', 'only successful episodes');
  addOptions(command, { dedupe: {} })
    .addOption(new Option('--balance <key>', 'down-sample to the same count per env or family').choices(['env', 'family']))
    .addOption(new Option('--part <part>', 'one side of a train/validation split by task').choices(['train', 'validation']))
    .addOption(numberOption('--validation-fraction <f>', 'share of tasks that go to validation (with --part)', ANY_NUMBER, 0.1))
    .addOption(new Option('--invalid-step-weight <w>', 'openai: weight of turns whose calls were invalid').choices(['0', '1']).default('0'))
    .option('--no-rationale', "leave out the assistant turns' text (the expert's rationale for each call), keeping the calls")
    .option('--skip-damaged', 'leave out damaged records (named in the report) instead of failing')
    .option('--include-test', 'also test-split episodes (refused otherwise: they are kept for evaluation); their records carry the test canary')
    .option(MIX_VERIFIERS_FLAG, MIX_VERIFIERS_HELP)
    .option('--json', 'print the export report as JSON')
    .addHelpText(
      'after',
      '\nFormats:\n' +
        '  openai       OpenAI fine-tuning chat JSONL (tools, tool_calls, per-message weight)\n' +
        '  openai-dpo   OpenAI preference JSONL (a success and a failure of a task, cut where they diverge)\n' +
        '  trl          TRL conversational JSONL (messages + tools; arguments as objects)\n' +
        '  trl-dpo      TRL preference JSONL (prompt / chosen / rejected)\n' +
        '  sharegpt     LLaMA-Factory sharegpt JSONL with function_call / observation turns\n' +
        '  rl-parquet   verl / SkyRL-style Parquet rows (prompt, tools, reward, task id, extra_info)\n' +
        '  proto        length-delimited EpisodeRecord protobuf (trajectories/proto/episode.proto)\n' +
        '\nStatuses: env_broken is an env the agent broke (it failed again at the same action on a fresh\n' +
        'instance); infra_error, an episode lost to infrastructure faults after its retries.\n' +
        '\nExamples:\n' +
        '  workgym data export runs/demo --format openai --out out/sft.jsonl --success-only --dedupe\n' +
        '  workgym data export runs/demo --format trl-dpo --out out/pairs.jsonl --env code\n' +
        '  workgym data export runs/demo --format openai --out out/failures.jsonl --status failure,env_broken\n' +
        '  workgym data export runs/demo --format rl-parquet --out out/val.parquet --part validation --validation-fraction 0.2',
    )
    .action(lazy(async () => (await import('../actions/data.js')).exportData));
}
