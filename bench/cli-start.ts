/**
 * How long the workgym command takes to start, against bare Node (`node -e 0`) in the same run.
 *
 *   node --conditions=source --import tsx bench/cli-start.ts [--rounds N] [--quick]
 *
 * - `workgym --help` (goal: within 3x of bare Node) and `workgym envs --json` (which opens every
 *   env to list its families and tools), from the build (tools/cli/bin/workgym.js, what
 *   `npx workgym` runs) and from source (tsx, what the CLI tests run);
 * - `workgym rollout --dry-run` over every env (what most CLI tests and --help examples run),
 *   against the same with the npm packages it loaded at start before they moved to where they
 *   are used (EAGER_PACKAGES, preloaded with --import);
 * - opening each env in-process through its manifest, to show what `envs` pays for.
 *
 * Every round runs every command once, in a rotating order, so a loaded machine slows them alike;
 * the ratio is the median of the rounds' ratios to that round's `node -e 0`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ms, percentile, printTable } from './lib/stats.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = 'tools/cli/bin/workgym.js';
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : process.argv.includes('--quick') ? 5 : 15;
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error(`bench/cli-start: --rounds takes a whole number >= 1, not ${process.argv[roundsArg + 1] ?? 'nothing'}`);
  process.exit(1);
}

const fromSource = ['--conditions=source', '--import', 'tsx', 'tools/cli/src/main.ts'];
const openEnv = (env: string) => [
  '--input-type=module',
  '-e',
  `const { manifest } = await import('@workgym/env-${env}/manifest'); const e = await manifest.create(); e.families(); e.tools(); await e.close?.();`,
];

/**
 * The npm packages a command loaded at start before they moved to where they are used (the OpenAI
 * agent's first request, the first Docker connection, Chromium launch, .xlsx written, MCP server,
 * rl-parquet export): preloading them gives the old start as a baseline in the same run.
 */
const EAGER_PACKAGES = ['openai', 'dockerode', 'puppeteer-core', 'exceljs', '@modelcontextprotocol/sdk/client/index.js', 'hyparquet-writer'];
const dryRun = ['rollout', '--agent', 'expert', '--episodes', '1', '--out', 'runs/bench-cli-start', '--dry-run'];

const COMMANDS: { label: string; args: string[] }[] = [
  { label: 'node -e 0 (bare Node)', args: ['-e', '0'] },
  { label: 'workgym --help (build)', args: [bin, '--help'] },
  { label: 'workgym envs --json (build)', args: [bin, 'envs', '--json'] },
  { label: 'workgym rollout --dry-run, every env (build)', args: [bin, ...dryRun] },
  { label: 'the same, with the packages loaded eagerly as before', args: [...EAGER_PACKAGES.flatMap((p) => ['--import', p]), bin, ...dryRun] },
  { label: 'workgym --help (source, tsx)', args: [...fromSource, '--help'] },
  { label: 'workgym envs --json (source, tsx)', args: [...fromSource, 'envs', '--json'] },
  ...['code', 'browser', 'spreadsheet'].map((env) => ({ label: `open the ${env} env in-process (build)`, args: openEnv(env) })),
];

async function timeOnce(args: string[]): Promise<number> {
  const start = performance.now();
  const { stdout } = await exec(process.execPath, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (args.includes('--json')) JSON.parse(stdout);
  return elapsed;
}

/** The newest modification time of the files under `dir` (ms). */
function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => statSync(join(e.parentPath, e.name)).mtimeMs),
  );
}

// The build is what is timed: a missing or stale one would time something else.
const [src, dist] = ['tools/cli/src', 'tools/cli/dist'].map((dir) => join(root, dir));
if (!existsSync(join(dist!, 'main.js')) || newest(src!) > newest(dist!)) {
  console.error('bench/cli-start: tools/cli/dist is missing or older than its sources; run `npm run build` first');
  process.exit(1);
}

const samples = COMMANDS.map(() => [] as number[]);
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < COMMANDS.length; k++) {
    const i = (k + round) % COMMANDS.length;
    samples[i]!.push(await timeOnce(COMMANDS[i]!.args));
  }
}

const ratios = samples.map((s) =>
  percentile(
    s.map((t, round) => t / samples[0]![round]!),
    50,
  ),
);
printTable(`CLI start-up, ${rounds} rounds (median wall time; ratio: median of the rounds' ratios to node -e 0)`, [
  ['command', 'median', 'best', 'vs node -e 0'],
  ...COMMANDS.map((c, i) => [c.label, ms(percentile(samples[i]!, 50)), ms(Math.min(...samples[i]!)), `${ratios[i]!.toFixed(2)}x`]),
]);
const help = ratios[1]!;
console.log(`\nworkgym --help (build): ${help.toFixed(2)}x bare Node: ${help <= 3 ? 'within' : 'NOT within'} the 3x goal`);
