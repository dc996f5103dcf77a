import { rm } from 'node:fs/promises';
import type { EnvCreateOptions, EpisodeSpec, Session, ToolSpec } from '@workgym/protocol';
import { defineTools, EnvBase, FamilyCatalogue, REPORT_INFEASIBLE, z } from '@workgym/protocol/kit';
import { VERIFIER_VERSIONS } from './gen/verifier-versions.js';
import { McpServer, McpServerError, type McpServerCommand } from './mcp-server.js';
import { McpSession } from './session.js';
import type { FamilyDef, McpTask } from './task.js';
import { loadTaskSets, type SetTask } from './task-sets/index.js';
import { Workspace } from './workspace.js';

/** The tool every MCP env adds to the server's own: the episode ends when the agent says it is done. */
const ENDING = defineTools({ submit: { description: 'Finish the task: ends the episode and checks the result.', args: z.strictObject({}) } });

/** What makes an MCP server a workgym env. */
export interface McpEnvDefinition {
  /** The env's name: the first part of its family ids. */
  name: string;
  /** The job its families train. */
  job: string;
  /** The server to start for each episode, working in (and reaching only) the workspace at `root`. */
  server(root: string): McpServerCommand;
  /** Its generated families; a task file adds more (`options.tasks`). */
  families: readonly FamilyDef[];
  /** Inside the env's container: the workspace is the /workspace tmpfs. */
  inContainer: boolean;
}

/**
 * An MCP server as a workgym env: the server runs as a child of the env server (inside the env's
 * hardened container under Docker), its tools are the env's tools with their JSON Schemas, and
 * `submit` ends an episode. One session at a time: each reset seeds the workspace and starts a
 * fresh server. Task files (`options.tasks`) add one family per task.
 */
export class McpEnv extends EnvBase<FamilyDef> {
  private constructor(
    private readonly definition: McpEnvDefinition,
    private readonly workspace: Workspace,
    private readonly setTasks: Map<string, SetTask>,
    tools: readonly ToolSpec[],
  ) {
    super(
      { name: definition.name, version: '0.1.0', capabilities: ['expert'] },
      new FamilyCatalogue(definition.name, definition.families, {
        job: definition.job,
        external: [...setTasks.values()].map((t) => t.family),
        verifierVersions: VERIFIER_VERSIONS,
      }),
      tools,
    );
  }

  /** The env, once its server has started once to list its tools; a server that cannot start is one McpServerError. */
  static async create(definition: McpEnvDefinition, options: EnvCreateOptions = {}): Promise<McpEnv> {
    const setTasks = loadTaskSets(options.tasks ?? [], definition.name, definition.job, VERIFIER_VERSIONS['mcp-tasks'] ?? '');
    const workspace = Workspace.forThisProcess(definition.inContainer);
    try {
      const server = await McpServer.start(definition.server(workspace.root));
      await server.close();
      const clash = server.tools.find((t) => ENDING.has(t.name ?? '') || t.name === REPORT_INFEASIBLE);
      if (clash) throw new McpServerError(`the MCP server has a tool named ${clash.name}, which workgym keeps for ending an episode`);
      return new McpEnv(definition, workspace, setTasks, [...server.tools, ...ENDING.specs]);
    } catch (error) {
      if (!definition.inContainer) await rm(workspace.root, { recursive: true, force: true });
      throw error;
    }
  }

  protected async open(spec: EpisodeSpec): Promise<Session> {
    const task = this.task(spec);
    await this.workspace.reset(task.files);
    const server = await McpServer.start(this.definition.server(this.workspace.root));
    const strategies = this.catalogue.find(spec.family)?.strategies ?? [];
    return new McpSession(task, server, this.ownTools, this.workspace, strategies, spec.seed);
  }

  private task(spec: EpisodeSpec): McpTask {
    const setTask = this.setTasks.get(spec.family);
    if (setTask) return setTask.task(this.workspace.root);
    return this.instance(spec.family, spec.seed, spec.split).task(this.workspace.root);
  }

  protected override async release(): Promise<void> {
    if (!this.definition.inContainer) await rm(this.workspace.root, { recursive: true, force: true });
  }
}
