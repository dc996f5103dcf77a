import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { manifest as spreadsheet } from '@workgym/env-spreadsheet/manifest';
import type { EnvClient } from '@workgym/protocol';
import { InProcessRuntime, inProcessSpec } from '@workgym/runtime';
import { formatRunStats, openRun, runStats } from '@workgym/trajectories';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_ARGS } from './run-cli.js';

// `workgym mcp` driven by the MCP SDK's own client, as a desktop assistant or agent framework
// drives it: over stdio with the env in its container, and over streamable HTTP.

const FAMILY = 'spreadsheet/clean-names';
// Starting the CLI from source and the env's container is slow on a busy machine.
const MCP_TEST_MS = 300_000;

async function connect(transport: StdioClientTransport | StreamableHTTPClientTransport): Promise<Client> {
  const client = new Client({ name: 'workgym-test', version: '1.0' });
  // The server starts its env (bundle, image, container) before it answers: slow on a busy machine.
  await client.connect(transport, { timeout: 240_000 });
  onTestFinished(() => client.close());
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult & { text: string }> {
  const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: 240_000 })) as CallToolResult;
  return { ...result, text: result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n') };
}

/** The same task in this process, whose expert says what to call next. */
async function oracle(seed: number): Promise<{ client: EnvClient; session: string; tools: { name: string; parametersJson: string }[] }> {
  const env = await spreadsheet.create();
  const instance = await new InProcessRuntime({ spreadsheet: () => env }).start(inProcessSpec('spreadsheet'));
  onTestFinished(() => instance.close());
  const { session } = await instance.client.reset({ family: FAMILY, seed });
  return { client: instance.client, session, tools: (await instance.client.listTasks()).tools };
}

describe('workgym mcp', { timeout: MCP_TEST_MS }, () => {
  it("over stdio, with the env in its container: the env's tools, a task played to success by the expert's calls, a failing submit, all recorded to a run", async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'workgym-mcp-')), 'run');
    let stderr = '';
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...CLI_ARGS, 'mcp', 'spreadsheet', '--family', FAMILY, '--out', out],
      env: process.env as Record<string, string>,
      stderr: 'pipe',
    });
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = await connect(transport);
    const expert = await oracle(1);

    const { tools } = await client.listTools(undefined, { timeout: 240_000 });
    expect(tools.map((t) => t.name)).toEqual(['workgym_start_task', 'workgym_verdict', ...expert.tools.map((t) => t.name)]);
    for (const tool of expert.tools) expect(tools.find((t) => t.name === tool.name)!.inputSchema).toEqual(JSON.parse(tool.parametersJson));

    const early = await call(client, 'read_range', { range: 'A1:B2' });
    expect(early).toMatchObject({ isError: true, text: 'no task is started: call workgym_start_task first' });

    const start = await call(client, 'workgym_start_task', { seed: 1 });
    expect(start.text).toContain(`Task ${FAMILY} (split train, seed 1)`);
    expect(start.text).toContain('Clean name');
    const malformed = await call(client, 'read_range', { nope: 1 });
    expect(malformed.isError).toBe(true);
    expect(malformed.text).toContain('invalid_arguments');
    expect((await call(client, 'workgym_verdict')).text).toContain('the episode is not over yet');

    let last: Awaited<ReturnType<typeof call>> | undefined;
    while (!last?.text.includes('The episode is over')) {
      const { calls } = await expert.client.expert(expert.session);
      for (const c of calls) {
        last = await call(client, c.name, JSON.parse(c.argumentsJson) as Record<string, unknown>);
        expect(last.isError).toBe(false);
        await expert.client.step(expert.session, [c]);
      }
    }
    expect(last.text).toContain('The episode is over: success, reward 1');
    expect((await call(client, 'workgym_verdict')).structuredContent).toMatchObject({ success: true, reward: 1 });
    expect((await call(client, 'submit')).text).toContain('the episode is over');

    await call(client, 'workgym_start_task', { seed: 2 });
    expect((await call(client, 'submit')).text).toContain('The episode is over: failure, reward 0');
    expect((await call(client, 'workgym_verdict')).structuredContent).toMatchObject({ success: false, reward: 0 });

    // As a desktop client quits: it ends the server's input (and kills it if it lingers past 4 s,
    // so the run may be left unfinalised; episodes are flushed as they end).
    await client.close();
    await using run = await openRun(out);
    // What `workgym data stats` prints.
    const stats = formatRunStats(runStats(run));
    expect(stats).toMatch(/spreadsheet\/clean-names\s+2\s+50\.0%/);
    const records = [];
    for await (const record of run.records()) records.push(record);
    expect(records.map((r) => [r.episodeId, r.status, r.agent?.kind, r.agent?.model])).toEqual([
      [`${FAMILY}:train:1:0`, 'success', 'mcp', 'workgym-test 1.0'],
      [`${FAMILY}:train:2:0`, 'failure', 'mcp', 'workgym-test 1.0'],
    ]);
    expect(records[0]!.steps!.map((s) => s.errorKind)[0]).toBe('invalid_arguments');
    expect(stderr).not.toContain('--runtime local');
  });

  it('over streamable HTTP on loopback: bad input is an MCP error, never a crash; other Host names are refused; unfinished episodes are recorded as the client left them', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'workgym-mcp-')), 'run');
    const child = spawn(process.execPath, [...CLI_ARGS, 'mcp', 'spreadsheet', '--runtime', 'local', '--port', '0', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => void child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<URL>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const served = /serving spreadsheet at (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(stderr);
        if (served) resolve(new URL(served[1]!));
      });
      void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const client = await connect(new StreamableHTTPClientTransport(url));

    expect((await call(client, 'workgym_start_task', { family: 'spreadsheet/nope' })).text).toMatch(/^family must be one of spreadsheet\/clean-names, /);
    expect((await call(client, 'workgym_start_task', { family: FAMILY, seed: -1 })).text).toMatch(/^seed must be a whole number/);
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/unknown tool "no_such_tool"; the tools: workgym_start_task, /);
    expect((await call(client, 'workgym_start_task', { family: FAMILY, seed: 4, split: 'test' })).text).toContain('(split test, seed 4)');
    expect((await call(client, 'write_cells', { range: 'Q1', values: 'not rows' })).isError).toBe(true);
    expect((await call(client, 'list_sheets')).isError).toBe(false);
    await call(client, 'workgym_start_task', { family: FAMILY, seed: 5 });

    expect(await statusWithHost(url, 'attacker.example')).toBe(403);
    await client.close();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toBe('');
    // Neither episode was submitted: the one left for another task, and the one under way when the server stopped.
    await using run = await openRun(out);
    expect(run.manifest.status).toBe('finalised');
    const records = [];
    for await (const record of run.records()) records.push(record);
    expect(records.map((r) => [r.episodeId, r.status, r.errorMessage, r.steps?.length])).toEqual([
      [`${FAMILY}:test:4:0`, 'agent_error', 'agent failed at step 2: the MCP client started another task before this one ended', 2],
      [`${FAMILY}:train:5:0`, 'agent_error', 'agent failed at step 0: the MCP client left before the episode ended', 0],
    ]);
  });
});

/** The status of a POST to `url` naming another Host, as a page on a DNS name rebound to 127.0.0.1 would send it. */
function statusWithHost(url: URL, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.once('error', reject);
    req.end('{}');
  });
}
