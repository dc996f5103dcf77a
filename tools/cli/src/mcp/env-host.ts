import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ActionFault, workItem, type EpisodeLimits } from '@workgym/agents';
import type { EnvClient, ListTasksReply } from '@workgym/protocol';
import type { EnvInstance, EnvRuntime, EnvServerSpec } from '@workgym/runtime';
import { createRun, openRun, resumeRun, type AgentInfo, type EpisodeRecord, type RunWriter } from '@workgym/trajectories';
import { UsageError } from '../usage-error.js';

// What every MCP session of one `workgym mcp` server shares: the env server (one instance, whose
// sessions the MCP sessions share), the families offered, and the run episodes are recorded to.

export interface HostOptions {
  env: string;
  families: readonly string[];
  runtime: EnvRuntime;
  spec: EnvServerSpec;
  limits: EpisodeLimits;
  out?: string;
  /** For the run's manifest: the command's options. */
  caller: unknown;
}

export class EnvHost {
  private instance: EnvInstance | undefined;
  private starting: Promise<EnvInstance> | undefined;
  private catalogue: ListTasksReply | undefined;
  private version = '';
  private readonly recordings = new Set<Promise<unknown>>();
  /** Episodes being played or recorded: two sessions playing one task at once get different samples. */
  private readonly active = new Set<string>();
  private writer: RunWriter | undefined;

  private constructor(readonly options: HostOptions) {}

  /** Starts the env, then opens the run (a new one, or more episodes for an MCP run already there). */
  static async open(options: HostOptions): Promise<EnvHost> {
    if (options.out) await recordingTo(options.out);
    const host = new EnvHost(options);
    await host.client();
    try {
      host.writer = options.out ? await openMcpRun(options.out, options) : undefined;
      return host;
    } catch (error) {
      await host.instance?.close();
      throw error;
    }
  }

  /** The env's tools (every tool a session may offer), as it lists them. */
  get tools(): ListTasksReply['tools'] {
    return this.catalogue!.tools;
  }

  /** The env's client; an instance that died is replaced by a fresh one. */
  async client(): Promise<EnvClient> {
    if (this.instance?.alive && !this.instance.client.error) return this.instance.client;
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return (await this.starting).client;
  }

  get envInfo(): { version: string; imageId: string } {
    return { version: this.version, imageId: this.instance?.imageId ?? '' };
  }

  get runId(): string {
    return this.writer?.runId ?? 'mcp';
  }

  /** Stores an observation's image in the run (none without --out). */
  get putBlob(): ((bytes: Uint8Array) => Promise<string>) | undefined {
    const writer = this.writer;
    return writer && ((bytes) => writer.putBlob(bytes));
  }

  /** The ids of the next play of a task: its sample number is the first the run does not hold. */
  episodeIds(family: string, split: string, seed: number): { runId: string; episodeId: string; groupId: string } {
    const item = (sample: number) => workItem(this.options.env, family, split, seed, sample);
    let sample = 0;
    while (this.writer?.has(item(sample).episodeId) || this.active.has(item(sample).episodeId)) sample++;
    return { runId: this.runId, episodeId: item(sample).episodeId, groupId: item(sample).groupId };
  }

  /** Records the episode when it ends (nothing without --out). */
  record(episode: Promise<EpisodeRecord>, ids: { episodeId: string }): void {
    this.active.add(ids.episodeId);
    const writing = episode
      // An env that failed under the client's episode: what it had played is kept, as an infra error.
      .catch((error: unknown) => {
        if (!(error instanceof ActionFault)) throw error;
        return { ...error.partial, status: 'infra_error' as const, errorMessage: error.message };
      })
      .then(async (record) => {
        if (!this.writer) return;
        await this.writer.append(record);
        await this.writer.flush();
      })
      .catch((error: unknown) => process.stderr.write(`workgym mcp: episode ${ids.episodeId} was not recorded: ${(error as Error).message}\n`))
      .finally(() => {
        this.active.delete(ids.episodeId);
        this.recordings.delete(writing);
      });
    this.recordings.add(writing);
  }

  /** Waits for the episodes being recorded, finalises the run and stops the env. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.recordings]);
    await this.writer?.finalize().catch((error: unknown) => process.stderr.write(`workgym mcp: the run was not finalised: ${(error as Error).message}\n`));
    await this.instance?.close();
  }

  private async start(): Promise<EnvInstance> {
    await this.instance?.close().catch(() => undefined);
    const instance = await this.options.runtime.start(this.options.spec, { callDeadlineMs: this.options.limits.envDeadlineMs });
    try {
      this.version = (await instance.client.hello()).version;
      this.catalogue = await instance.client.listTasks();
    } catch (error) {
      await instance.close();
      throw error;
    }
    this.instance = instance;
    return instance;
  }
}

/** The agent an MCP client plays as, in the record: kind "mcp", the client's name and version as the model. */
export function mcpAgent(client: { name: string; version: string } | undefined): AgentInfo {
  return { kind: 'mcp', model: client ? `${client.name} ${client.version}`.trim() : '', contextPolicy: 'none' };
}

/**
 * What recording to `dir` does: start a new run, or add episodes to the MCP run there. A run of
 * another agent is refused: its episodes would mix agents under one name.
 */
export async function recordingTo(dir: string): Promise<'new run' | 'more episodes'> {
  if (!existsSync(join(dir, 'manifest.json'))) return 'new run';
  await using run = await openRun(dir);
  const kind = (run.manifest.spec as { rollout?: { agent?: { kind?: string } } } | null)?.rollout?.agent?.kind;
  if (kind !== 'mcp') throw new UsageError(`${dir} holds a run of ${kind ? `the ${kind} agent` : 'another command'}; record MCP episodes to another --out`);
  return 'more episodes';
}

async function openMcpRun(dir: string, options: HostOptions): Promise<RunWriter> {
  if ((await recordingTo(dir)) === 'more episodes') return resumeRun(dir);
  return createRun(dir, { spec: { rollout: { agent: mcpAgent(undefined), group: 1, maxSteps: options.limits.maxSteps }, caller: options.caller } });
}
