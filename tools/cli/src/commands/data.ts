import type { Command } from 'commander';
import { Option } from 'commander';
import {
  EXPORT_FORMATS,
  exportRun,
  formatExportReport,
  formatRunStats,
  formatTranscript,
  repairRun,
  runStats,
  verifyRun,
} from '@workgym/trajectories';
import type { ExportFormat, RepairReport, SelectOptions } from '@workgym/trajectories';
import { list, number, positiveInteger, withRun } from '../run-helpers.js';
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
  rationale: boolean;
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
    .action(async (run: string, options: { json?: boolean; strict?: boolean; check: boolean }) => {
      await withRun(
        run,
        (reader, damage) => {
          const stats = runStats(reader);
          console.log(options.json ? JSON.stringify({ ...stats, damage }, null, 2) : formatRunStats(stats));
          if (options.strict && damage.length > 0) process.exitCode = 1;
        },
        { check: options.check },
      );
    });

  data
    .command('show <run> <episode>')
    .description('print one episode as a readable transcript')
    .option('--max-chars <n>', 'cut texts (observations, results) longer than this', '2000')
    .option('--full', 'print texts whole')
    .option('--json', 'print the episode record as JSON')
    .addHelpText('after', '\nExamples:\n  workgym data show runs/demo ep-000001\n  workgym data show runs/demo ep-000001 --full | less')
    .action(async (run: string, episode: string, options: { maxChars: string; full?: boolean; json?: boolean }) => {
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
    });

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
    .action(async (run: string, options: ExportCliOptions) => {
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
        rationale: options.rationale,
        skipDamaged: options.skipDamaged,
      });
      console.log(options.json ? JSON.stringify(report, null, 2) : formatExportReport(report));
    });

  data
    .command('verify <run>')
    .description('check every checksum, blob hash, count and digest of a run; exits 1 on damage')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExamples:\n  workgym data verify runs/demo\n  workgym data verify runs/demo --json | jq .problems')
    .action(async (run: string, options: { json?: boolean }) => {
      const report = await verifyRun(run);
      if (options.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(`${run}: ${report.episodes} episodes, ${report.blobs} blobs in ${report.files.length} files`);
        for (const note of report.notes) console.log(`note: ${note}`);
        for (const problem of report.problems) console.log(`DAMAGE: ${problem}`);
        console.log(
          report.ok
            ? 'ok: every checksum, hash and count matches'
            : `${report.problems.length} problem(s). Reading a damaged record fails. To keep the good episodes: ` +
                `workgym data repair ${run} --out ${run}-repaired (a new run), or resume the rollout (it runs damaged episodes again), ` +
                'or export with --skip-damaged.',
        );
      }
      if (!report.ok) process.exitCode = 1;
    });

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
    .action(async (run: string, options: { out: string; json?: boolean }) => {
      const report = await repairRun(run, options.out);
      console.log(options.json ? JSON.stringify(report, null, 2) : formatRepairReport(report));
    });

  registerDataSftCommand(data);
}

function formatRepairReport(r: RepairReport): string {
  const lines = [`copied ${r.episodes} episodes (and the ${r.blobs} images they show) from ${r.from} to ${r.out}`];
  if (r.leftOut.length) {
    lines.push(`left out ${r.leftOut.length}:`);
    for (const l of r.leftOut) lines.push(`  ${l.episodeId ? `${l.episodeId}: ` : ''}${l.reason}`);
  }
  lines.push(
    r.finalised
      ? `${r.out} is finalised. Next: workgym data verify ${r.out}`
      : `${r.out} is open: resume the rollout into it (the same flags with --out ${r.out} --resume) to run what is missing again`,
  );
  return lines.join('\n');
}
