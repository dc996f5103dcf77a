import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beforePipe, commandPath, docsExamples, helpExamples, helpPages, outPath, withoutComment, type Example } from './help-examples.js';
import { CLI_ARGS, FAST_CLI_ARGS, noFamilyRefusal } from './run-cli.js';

// Runs every example `workgym <command> --help` shows and every command of the docs' ```sh runnable
// blocks, for real, in a working folder holding the runs and files the examples name. A command
// with --dry-run (rollout, eval, train, transfer, demo, check, images build/prune) runs its
// examples with it: options, envs, families and files are checked as a real run checks them, and
// nothing long runs. So an example whose glob matches nothing, whose flag is gone or whose file is
// not where it says fails here.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = ['README.md', 'CONTRIBUTING.md', ...(await readdir(join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
// The CLI from source, from any working folder: the loader by its absolute URL.
const nodeArgs = (cliArgs: readonly string[]) => cliArgs.map((arg) => (arg === 'tsx' ? import.meta.resolve('tsx') : arg));
const NODE_ARGS = nodeArgs(FAST_CLI_ARGS);
const prelude = (args: readonly string[]) =>
  [
    'set -o pipefail',
    `workgym() { ${[process.execPath, ...args].map((a) => `'${a}'`).join(' ')} "$@" $WORKGYM_EXAMPLE_FLAGS; }`,
    'npx() { if [ "$1" = workgym ]; then shift; workgym "$@"; else command npx "$@"; fi; }',
    '',
  ].join('\n');
const PRELUDE = prelude(NODE_ARGS);
// `family new` imports the template it copies from its source at run time: that takes tsx's loader, which the bundle has not.
const TSX_PRELUDE = prelude(nodeArgs(CLI_ARGS));
/** The port the serve-policy examples name; another one (in every example) when it is taken here. */
const POLICY_PORT = 8100;
/** The other names the examples give the fixture's expert run: links to it. */
const FIXTURE_RUN_ALIASES = ['demo', 'qwen', 'trained', 'explore', 'recover'];
const RUN_ALIASES = new RegExp(`\\bruns/(${FIXTURE_RUN_ALIASES.join('|')})\\b`, 'g');
// The families the fixture runs hold: those the examples filter on (code/py-fix-bug, code/sql-*).
const FIXTURE_FAMILIES = '{code/py-fix-bug,code/sql-query,spreadsheet/clean-names}';

/** The only examples not run, each with why; every entry must still match an example shown. */
const NOT_RUN: readonly { shown: RegExp; why: string }[] = [
  { shown: /--family code\/parse-duration\b/, why: 'checks the family that the `family new` example writes' },
];
const notRun = (example: Example) => NOT_RUN.some((n) => n.shown.test(example.command));

const pages = await helpPages();
const fromHelp = dedupe(pages.flatMap(helpExamples));
// A docs command that --help already shows (with or without npx, comment aside) runs once, there.
const fromDocs = dedupe((await Promise.all(DOCS.map((file) => docsExamples(join(ROOT, file), file)))).flat(), fromHelp);

let fixture: string;
let port = POLICY_PORT;
const servers: { kill: () => void }[] = [];

beforeAll(async () => {
  fixture = await mkdtemp(join(tmpdir(), 'workgym-examples-'));
  await makeFixture(fixture);
  port = (await portIsFree(POLICY_PORT)) ? POLICY_PORT : await freePort();
  // Servers first: the examples after them (curl, an openai agent) talk to them.
  const commands = new Set([...fromHelp, ...fromDocs].filter(isServer).map((e) => e.command.replace(/\s*&$/, '')));
  for (const command of commands) servers.push(await startServer(command));
}, 600_000);

afterAll(async () => {
  for (const server of servers) server.kill();
  if (fixture) await rm(fixture, { recursive: true, force: true });
});

describe('examples', () => {
  it('every command has its --help examples collected, and the docs have runnable blocks', () => {
    const withExamples = new Set(fromHelp.map((e) => e.source));
    for (const name of ['rollout', 'worker', 'eval', 'train', 'transfer', 'data export', 'data stats', 'envs', 'images', 'serve', 'serve-policy', 'check']) {
      expect(withExamples).toContain(`workgym ${name} --help`);
    }
    expect(fromDocs.length).toBeGreaterThan(0);
    for (const { shown } of NOT_RUN)
      expect(
        [...fromHelp, ...fromDocs].some((e) => shown.test(e.command)),
        String(shown),
      ).toBe(true);
  });

  it('every example in --help runs', async () => {
    expect(await failures(fromHelp.filter((e) => !isServer(e) && !notRun(e)))).toEqual([]);
  }, 1_800_000);

  it('every command in a runnable docs block runs', async () => {
    expect(await failures(fromDocs.filter((e) => !isServer(e) && !notRun(e)))).toEqual([]);
  }, 1_800_000);

  it('an example whose family glob matches nothing fails, as it would for a user', async () => {
    const bad = await runExample({ source: 'test', command: 'workgym rollout --family "code/fix-*" --agent expert --episodes 20 --out runs/fix' });
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(noFamilyRefusal('code/fix-*', 'code/py-fix-bug'));
    const good = await runExample({ source: 'test', command: 'workgym rollout --family "code/*-fix-bug" --agent expert --episodes 20 --out runs/fix' });
    expect(good.output).toContain('dry run, nothing started');
    expect(good.code).toBe(0);
    expect(existsSync(join(good.cwd, 'runs/fix'))).toBe(false);
  }, 120_000);

  it('a dry run refuses what the real run refuses before it starts', async () => {
    // rollout.json's --out is runs/expert, which the fixture holds.
    const taken = await runExample({ source: 'test', command: 'workgym rollout --config rollout.json' });
    expect(taken.output).toContain('runs/expert already holds a run');
    expect(taken.code).toBe(1);
    const noRun = await runExample({ source: 'test', command: 'workgym rollout --agent expert --out runs/new --resume' });
    expect(noRun.output).toContain('runs/new holds no run to resume');
    expect(noRun.code).toBe(1);
    const noModel = await runExample({ source: 'test', command: 'workgym eval --agent openai --env code' });
    expect(noModel.output).toContain('the openai agent needs --model and --base-url');
    expect(noModel.code).toBe(1);
  }, 120_000);

  it('an example naming a run that is not there, or a flag that is gone, fails', async () => {
    expect((await runExample({ source: 'test', command: 'workgym train --from runs/missing --method bc --out policies/x' })).code).toBe(1);
    expect((await runExample({ source: 'test', command: 'workgym data stats runs/demo --no-such-flag' })).code).toBe(1);
    expect((await runExample({ source: 'test', command: 'workgym data stats runs/demo --json | jq -e .noSuchKey' })).code).not.toBe(0);
  }, 120_000);
});

/**
 * Each example once, in the order shown, leaving out those `already` has. Two examples that
 * differ only in `npx`, a comment or which name of the fixture's one run they read (runs/demo,
 * runs/expert, ...: links to the same run) run the same command on the same files: once.
 */
function dedupe(examples: Example[], already: readonly Example[] = []): Example[] {
  const key = (e: Example) => withoutComment(e.command.replace(/^npx /, '')).replace(RUN_ALIASES, 'runs/expert');
  const seen = new Set(already.map(key));
  return examples.filter((e) => !seen.has(key(e)) && seen.add(key(e)));
}

function isServer(example: Example): boolean {
  const path = commandPath(example.command, pages)?.path.join(' ');
  return path === 'serve-policy' || (path === 'view' && !example.command.includes('--bundle'));
}

/** The examples that fail, as lines naming where each is shown, its exit code and its output's end; two at a time. */
async function failures(examples: readonly Example[]): Promise<string[]> {
  const failed: string[] = [];
  const queue = [...examples];
  const worker = async () => {
    for (let example = queue.shift(); example; example = queue.shift()) {
      const { code, output } = await runExample(example);
      if (code !== 0) failed.push(`${example.source}: ${example.command}\n  exit ${code}: ${output.trim().split('\n').slice(-4).join('\n  ')}`);
    }
  };
  await Promise.all([worker(), worker()]);
  return failed;
}

/**
 * Runs one example with bash in a fresh working folder that links the fixture's runs and files,
 * except the one it writes (--out): `rollout --out runs/expert` runs where runs/expert is not yet.
 * A dry-run command's pipe is dropped (its plan is not the output the pipe reads); other pipes run.
 */
async function runExample(example: Example): Promise<{ code: number; output: string; cwd: string }> {
  const page = commandPath(example.command, pages);
  const dryRun = page?.dryRun ?? false;
  const command = withPort(dryRun ? beforePipe(example.command) : example.command);
  const cwd = await workingFolder(outPath(command));
  const shell = page?.path.join(' ') === 'family new' ? TSX_PRELUDE : PRELUDE;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', shell + command], {
      cwd,
      env: { ...process.env, WORKGYM_EXAMPLE_FLAGS: dryRun ? '--dry-run' : '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 137, output, cwd });
    });
  });
}

function withPort(command: string): string {
  return port === POLICY_PORT ? command : command.replaceAll(`:${POLICY_PORT}`, `:${port}`).replaceAll(`--port ${POLICY_PORT}`, `--port ${port}`);
}

let folders = 0;
async function workingFolder(writes: string | undefined): Promise<string> {
  const dir = join(fixture, 'work', String(folders++));
  for (const entry of await fixtureEntries()) {
    if (entry === writes) continue;
    await mkdir(dirname(join(dir, entry)), { recursive: true });
    await symlink(join(fixture, 'base', entry), join(dir, entry));
  }
  return dir;
}

async function fixtureEntries(): Promise<string[]> {
  const runs = (await readdir(join(fixture, 'base', 'runs'))).map((r) => `runs/${r}`);
  return [...runs, 'policies/bc', 'rollout.json', 'my-model.jinja', 'miniwob-plusplus/miniwob'];
}

/**
 * What the examples read, made the way a user makes it: a small local expert run (named as each
 * example names it: runs/expert, runs/demo, runs/qwen, runs/trained, runs/explore), a submit-agent
 * run of the same tasks (runs/base), a policy cloned from the expert run, a rollout config, a
 * chat template file and a MiniWoB++ task set.
 */
async function makeFixture(root: string): Promise<void> {
  const base = join(root, 'base');
  await mkdir(join(base, 'runs'), { recursive: true });
  const cli = (...args: string[]) => runIn(base, args);
  await cli('rollout', '--agent', 'expert', '--family', FIXTURE_FAMILIES, '--episodes', '1', '--runtime', 'local', '--out', 'runs/expert');
  await cli('rollout', '--agent', 'submit', '--family', FIXTURE_FAMILIES, '--episodes', '1', '--runtime', 'local', '--out', 'runs/base');
  for (const alias of FIXTURE_RUN_ALIASES) await symlink('expert', join(base, 'runs', alias));
  await cli('train', '--from', 'runs/expert', '--method', 'bc', '--out', 'policies/bc');
  const config = { agent: 'expert', env: ['code'], family: 'code/py-fix-bug', episodes: 1, runtime: 'local', out: 'runs/expert' };
  await writeFile(join(base, 'rollout.json'), JSON.stringify(config, null, 2));
  await copyFile(join(ROOT, 'trainers/templates/qwen-hermes.jinja'), join(base, 'my-model.jinja'));
  // A MiniWoB++ task set where a clone of the upstream repository puts it (the env's fixture, in its layout).
  await mkdir(join(base, 'miniwob-plusplus'));
  await symlink(join(ROOT, 'envs/browser/test/fixtures/miniwob'), join(base, 'miniwob-plusplus/miniwob'));
}

async function runIn(cwd: string, args: string[]): Promise<void> {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
  if (code !== 0) throw new Error(`fixture: workgym ${args.join(' ')} exited ${code}:\n${output}`);
}

/** Starts a server example (serve-policy, view) in the fixture and waits until it says it serves. */
async function startServer(shown: string): Promise<{ kill: () => void }> {
  const command = withPort(shown);
  const child = spawn('bash', ['-c', `${PRELUDE}${command}`], { cwd: await workingFolder(undefined), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('serving ')) resolve();
    });
    child.on('close', (code) => reject(new Error(`${shown} exited ${code} before serving:\n${output}`)));
  });
  return { kill: () => process.kill(-child.pid!, 'SIGTERM') };
}

function portIsFree(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(p, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = server.address() as { port: number };
      server.close(() => resolve(p));
    });
  });
}
