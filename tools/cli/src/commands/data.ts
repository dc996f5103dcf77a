import { Option, type Command } from 'commander';
import { EXPORT_FORMATS } from '@workgym/trajectories';
import { lazy } from '../lazy.js';
import { addOptions, ANY_NUMBER, COUNT, numberOption, readList } from '../options.js';
import { defineDataSft } from './data-sft.js';

const actions = () => import('../actions/data.js');

export function defineData(data: Command): void {
  data.addHelpText(
    'after',
    '\nExamples:\n  workgym data stats runs/demo\n  workgym data show runs/demo ep-000001\n' +
      '  workgym data export runs/demo --format openai --out out/sft.jsonl --success-only\n  workgym data verify runs/demo\n' +
      '  workgym data repair runs/demo --out runs/demo-repaired',
  );

  data
    .command('stats <run>')
    .description('episodes, success rate, steps, tokens, attempts and statuses, by env, family and job; warns of damaged records')
    .option('--json', 'print JSON: {"episodes", "successRate" (0..1), "attempts", "retried", "infraErrors", "byEnv": {...}, "byFamily", "byJob", "damage": [...], ...}')
    .option('--strict', 'exit 1 when a record is damaged')
    .option('--no-check', 'do not read the records to check them (faster on a large run; damage inside them then goes unnoticed)')
    .addHelpText('after', '\nExamples:\n  workgym data stats runs/demo\n  workgym data stats runs/demo --json | jq .byEnv\n  workgym data stats runs/demo --strict')
    .action(lazy(async () => (await actions()).stats));

  data
    .command('show <run> <episode>')
    .description('print one episode as a readable transcript')
    .addOption(numberOption('--max-chars <n>', 'cut texts (observations, results) longer than this', COUNT, 2000))
    .option('--full', 'print texts whole')
    .option('--json', 'print the episode record as JSON')
    .addHelpText('after', '\nExamples:\n  workgym data show runs/demo ep-000001\n  workgym data show runs/demo ep-000001 --full | less')
    .action(lazy(async () => (await actions()).show));

  const exportCommand = data
    .command('export <run>')
    .description('write training data: chat SFT, preference pairs, RL rows or protobuf records')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <path>', 'file to write (replaced atomically)');
  addOptions(exportCommand, { onlyEnvs: {}, onlyFamilies: {}, onlyJobs: {} }).option(
    '--status <statuses>',
    'only these statuses: success,failure,truncated,agent_error,infra_error',
    readList,
  );
  addOptions(exportCommand, { minReward: {} })
    .addOption(numberOption('--max-reward <x>', 'only episodes with final reward <= x', ANY_NUMBER))
    .option('--success-only', 'only successful episodes');
  addOptions(exportCommand, { dedupe: {} })
    .addOption(new Option('--balance <key>', 'down-sample to the same count per env or family').choices(['env', 'family']))
    .addOption(new Option('--part <part>', 'one side of a train/validation split by task').choices(['train', 'validation']))
    .addOption(numberOption('--validation-fraction <f>', 'share of tasks that go to validation (with --part)', ANY_NUMBER, 0.1))
    .addOption(new Option('--invalid-step-weight <w>', 'openai: weight of turns whose calls were invalid').choices(['0', '1']).default('0'))
    .option('--no-rationale', "leave out the assistant turns' text (the expert's rationale for each call), keeping the calls")
    .option('--skip-damaged', 'leave out damaged records (named in the report) instead of failing')
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
        '\nExamples:\n' +
        '  workgym data export runs/demo --format openai --out out/sft.jsonl --success-only --dedupe\n' +
        '  workgym data export runs/demo --format trl-dpo --out out/pairs.jsonl --env browser\n' +
        '  workgym data export runs/demo --format rl-parquet --out out/val.parquet --part validation --validation-fraction 0.2',
    )
    .action(lazy(async () => (await actions()).exportData));

  data
    .command('verify <run>')
    .description('check every checksum, blob hash, count and digest of a run; exits 1 on damage')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  workgym data verify runs/demo\n  workgym data verify runs/demo --json | jq .problems')
    .action(lazy(async () => (await actions()).verify));

  data
    .command('repair <run>')
    .description('copy the good episodes of a damaged run, and the blobs they name, to a new run; says what it left out')
    .requiredOption('--out <dir>', 'the new run folder (must not hold a run)')
    .option('--json', 'print the report as JSON: {"from", "out", "episodes", "blobs", "leftOut": [{"episodeId", "reason"}], "finalised"}')
    .addHelpText(
      'after',
      '\nThe run itself is only read. The copy is finalised when nothing was left out; otherwise it stays open, so that\n' +
        'resuming the rollout into it (the same flags, --out NEW --resume) runs the left-out episodes again.\n' +
        '\nExamples:\n  workgym data repair runs/demo --out runs/demo-repaired\n  workgym data repair runs/demo --out runs/demo-repaired --json | jq .leftOut',
    )
    .action(lazy(async () => (await actions()).repair));

  defineDataSft(data);
}
