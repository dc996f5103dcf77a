import type { Command } from 'commander';
import { Option } from 'commander';
import {
  EXPORT_FORMATS,
  exportRun,
  formatExportReport,
  formatRunStats,
  formatTranscript,
  runStats,
  verifyRun,
} from '@workgym/trajectories';
import type { ExportFormat, SelectOptions } from '@workgym/trajectories';
import { handle, list, number, positiveInteger, withRun } from '../run-helpers.js';
import { UsageError } from '../usage-error.js';
import { registerDataSftCommand } from './data-sft.js';

interface ExportCliOptions {
  format: ExportFormat;
  out: string;
  env?: string;
  family?: string;
  job?: string;
  status?: string;
  minReward?: string;
  maxReward?: string;
  successOnly?: boolean;
  dedupe?: boolean;
  balance?: 'env' | 'family';
  part?: 'train' | 'validation';
  validationFraction: string;
  invalidStepWeight: string;
  skipDamaged?: boolean;
  json?: boolean;
}

export function registerDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description('inspect, check and export recorded runs')
    .addHelpText(
      'after',
      '\nExamples:\n  workgym data stats runs/demo\n  workgym data show runs/demo ep-000001\n' +
        '  workgym data export runs/demo --format openai --out out/sft.jsonl --success-only\n  workgym data verify runs/demo',
    );

  data
    .command('stats <run>')
    .description('episodes, success rate, steps, tokens and statuses, by env, family and job')
    .option('--json', 'print JSON: {"episodes", "successRate" (0..1), "byEnv": {...}, "byFamily", "byJob", ...}')
    .addHelpText('after', '\nExamples:\n  workgym data stats runs/demo\n  workgym data stats runs/demo --json | jq .byEnv')
    .action(
      handle(async (run: string, options: { json?: boolean }) => {
        await withRun(run, (reader) => {
          const stats = runStats(reader);
          console.log(options.json ? JSON.stringify(stats, null, 2) : formatRunStats(stats));
        });
      }),
    );

  data
    .command('show <run> <episode>')
    .description('print one episode as a readable transcript')
    .option('--max-chars <n>', 'cut texts (observations, results) longer than this', '2000')
    .option('--full', 'print texts whole')
    .option('--json', 'print the episode record as JSON')
    .addHelpText('after', '\nExamples:\n  workgym data show runs/demo ep-000001\n  workgym data show runs/demo ep-000001 --full | less')
    .action(
      handle(async (run: string, episode: string, options: { maxChars: string; full?: boolean; json?: boolean }) => {
        const maxChars = options.full ? undefined : positiveInteger(options.maxChars, '--max-chars');
        await withRun(run, async (reader) => {
          const record = await reader.get(episode);
          if (!record) {
            const near = reader.episodeIds().filter((id) => id.includes(episode) || episode.includes(id)).slice(0, 5);
            throw new UsageError(
              `${run} has no episode ${JSON.stringify(episode)}` +
                (near.length ? `; did you mean ${near.join(', ')}?` : `; it holds ${reader.size} episodes, e.g. ${reader.episodeIds().slice(0, 3).join(', ') || '(none)'}`),
            );
          }
          console.log(options.json ? JSON.stringify(record, null, 2) : formatTranscript(record, { maxChars }));
        });
      }),
    );

  data
    .command('export <run>')
    .description('write training data: chat SFT, preference pairs, RL rows or protobuf records')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .requiredOption('--out <path>', 'file to write (replaced atomically)')
    .option('--env <names>', 'only these envs (comma-separated)')
    .option('--family <ids>', 'only these task families (comma-separated)')
    .option('--job <names>', 'only these jobs (comma-separated)')
    .option('--status <statuses>', 'only these statuses: success,failure,truncated,agent_error,infra_error')
    .option('--min-reward <x>', 'only episodes with final reward >= x')
    .option('--max-reward <x>', 'only episodes with final reward <= x')
    .option('--success-only', 'only successful episodes')
    .option('--dedupe', 'keep one episode per task and identical action sequence')
    .addOption(new Option('--balance <key>', 'down-sample to the same count per env or family').choices(['env', 'family']))
    .addOption(new Option('--part <part>', 'one side of a train/validation split by task').choices(['train', 'validation']))
    .option('--validation-fraction <f>', 'share of tasks that go to validation (with --part)', '0.1')
    .addOption(new Option('--invalid-step-weight <w>', 'openai: weight of turns whose calls were invalid').choices(['0', '1']).default('0'))
    .option('--skip-damaged', 'leave out records that fail their checksum (counted in the report) instead of stopping')
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
    .action(
      handle(async (run: string, options: ExportCliOptions) => {
        const select: SelectOptions = {
          env: list(options.env),
          family: list(options.family),
          job: list(options.job),
          status: list(options.status),
          minReward: number(options.minReward, '--min-reward'),
          maxReward: number(options.maxReward, '--max-reward'),
          successOnly: options.successOnly,
          dedupe: options.dedupe,
          balance: options.balance,
          holdout: options.part ? { part: options.part, fraction: number(options.validationFraction, '--validation-fraction')! } : undefined,
        };
        const report = await exportRun(run, {
          ...select,
          format: options.format,
          out: options.out,
          invalidStepWeight: options.invalidStepWeight === '1' ? 1 : 0,
          skipDamaged: options.skipDamaged,
        });
        console.log(options.json ? JSON.stringify(report, null, 2) : formatExportReport(report));
      }),
    );

  data
    .command('verify <run>')
    .description('check every checksum, blob hash, count and digest of a run; exits 1 on damage')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  workgym data verify runs/demo\n  workgym data verify runs/demo --json | jq .problems')
    .action(
      handle(async (run: string, options: { json?: boolean }) => {
        const report = await verifyRun(run);
        if (options.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(`${run}: ${report.episodes} episodes, ${report.blobs} blobs in ${report.files.length} files`);
          for (const note of report.notes) console.log(`note: ${note}`);
          for (const problem of report.problems) console.log(`DAMAGE: ${problem}`);
          console.log(
            report.ok
              ? 'ok: every checksum, hash and count matches'
              : `${report.problems.length} problem(s). Reading a damaged record fails; to keep the good ones, ` +
                  `export with --skip-damaged (e.g. workgym data export ${run} --format proto --out good.pb --skip-damaged).`,
          );
        }
        if (!report.ok) process.exitCode = 1;
      }),
    );

  registerDataSftCommand(data);
}
