import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinearPolicy } from '@workgym/trainers';
import { openRun, type EpisodeRecord } from '@workgym/trajectories';
import { FAST_CLI_ARGS, workgym } from './run-cli.js';

let dir: string;
let server: ChildProcess | undefined;
let baseURL: string;

/** Starts `workgym serve-policy` on a free port and resolves with the URL it prints. */
function servePolicy(policyDir: string): Promise<string> {
  server = spawn(process.execPath, [...FAST_CLI_ARGS, 'serve-policy', policyDir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /at (http:\/\/\S+\/v1)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    server!.once('exit', (code) => reject(new Error(`serve-policy exited with ${code} before serving: ${out}`)));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-agent-'));
  await new LinearPolicy().save(join(dir, 'policy'));
  baseURL = await servePolicy(join(dir, 'policy'));
}, 120_000);

afterAll(() => {
  server?.kill('SIGTERM');
});

async function records(run: string): Promise<EpisodeRecord[]> {
  await using reader = await openRun(run);
  const all: EpisodeRecord[] = [];
  for await (const record of reader.records()) all.push(record);
  return all;
}

const rollout = (out: string, ...extra: string[]) =>
  workgym(
    'rollout',
    '--agent',
    'openai',
    '--model',
    'workgym-linear',
    '--base-url',
    baseURL,
    '--env',
    'spreadsheet',
    '--family',
    'spreadsheet/clean-names',
    '--episodes',
    '2',
    '--max-steps',
    '3',
    '--runtime',
    'local',
    '--out',
    out,
    ...extra,
  );

describe('the agent options every command shares', () => {
  it('rollout --candidates acts through a real `workgym serve-policy`: every call is one of the candidates it was offered', async () => {
    const run = join(dir, 'with-candidates');
    const result = await rollout(run, '--candidates');
    expect(result.code, result.stderr).toBe(0);
    const all = await records(run);
    expect(all).toHaveLength(2);
    for (const record of all) {
      expect(record.status, record.errorMessage ?? '').not.toBe('agent_error');
      expect(record.steps!.length).toBeGreaterThan(0);
      for (const step of record.steps!) {
        const offered = step.observation!.candidates!.map((c) => `${c.name}${c.argumentsJson}`);
        expect(offered).toContain(`${step.toolCalls![0]!.name}${step.toolCalls![0]!.argumentsJson}`);
      }
    }
  }, 300_000);

  it('without --candidates the policy server refuses, and the recorded error says which flag sends them', async () => {
    const run = join(dir, 'without-candidates');
    const result = await rollout(run);
    expect(result.code, result.stderr).toBe(0);
    const all = await records(run);
    expect(all.map((r) => r.status)).toEqual(['agent_error', 'agent_error']);
    expect(all[0]!.errorMessage).toMatch(/400.*--candidates/);
  }, 300_000);

  it('offers the same agent options, with the same help, in rollout and eval, and their endpoint options in train and transfer', async () => {
    const help = async (command: string) => (await workgym(command, '--help')).stdout;
    const [rolloutHelp, evalHelp, trainHelp, transferHelp] = await Promise.all(['rollout', 'eval', 'train', 'transfer'].map(help));
    for (const flag of [
      '--agent <kind>',
      '--model <name>',
      '--base-url <url>',
      '--api-key-env <var>',
      '--candidates',
      '--context <policy>',
      '--temperature <t>',
      '--self-evaluate',
      '--expert-variant <strategy>',
    ]) {
      expect(rolloutHelp, flag).toContain(flag);
      expect(evalHelp, flag).toContain(flag);
    }
    for (const flag of ['--model <name>', '--base-url <url>', '--api-key-env <var>', '--context <policy>']) {
      expect(trainHelp, flag).toContain(flag);
      expect(transferHelp, flag).toContain(flag);
    }
    const bad = await workgym('eval', '--agent', 'openai', '--model', 'm', '--base-url', baseURL, '--context', 'window:0', '--env', 'spreadsheet');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--context: full, window:N or memory:N (N >= 1)');
  }, 300_000);
});
