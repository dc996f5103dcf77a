import {
  ActionError,
  CallRefusedError,
  ShownText,
  type ExpertAction,
  type Observation,
  type Session,
  type StepOutcome,
  type ToolSpec,
  type ValidToolCall,
  type Verdict,
} from '@workgym/protocol';
import { expertAction, type PlannedCall, type StateSnapshot } from '@workgym/protocol/kit';
import type { McpServer } from './mcp-server.js';
import type { McpTask } from './task.js';
import { verifyWorkspace } from './verify.js';
import type { Workspace } from './workspace.js';

/**
 * One episode: the task's files in the workspace, and an MCP server started for it whose tools
 * the agent calls. Each result is the tool's text content; an MCP tool error is an error
 * observation (`tool_error`). `submit` ends the episode; the verifier runs once the server has
 * stopped, so nothing the agent started runs meanwhile.
 */
export class McpSession implements Session {
  readonly instruction: string;
  private current: Observation;
  private readonly shown = new ShownText();
  private readonly made = new Set<string>();
  private steps = 0;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly task: McpTask,
    private readonly server: McpServer,
    readonly tools: readonly ToolSpec[],
    private readonly workspace: Workspace,
    private readonly strategies: readonly string[],
    private readonly seed: number,
  ) {
    this.instruction = task.instruction;
    const text = `The MCP server is running; its tools reach ${workspace.root}. Call submit when the task is done.`;
    this.current = { text, rawSize: Buffer.byteLength(text) };
    this.shown.add(task.instruction);
    for (const tool of tools) this.shown.add(`${tool.name} ${tool.description} ${tool.parametersJson}`);
    this.shown.add(text);
  }

  get observation(): Observation {
    return this.current;
  }

  async step(call: ValidToolCall, signal: AbortSignal): Promise<StepOutcome> {
    if (this.stopped) throw new CallRefusedError('unknown_session', 'the session was closed');
    this.steps += 1;
    this.made.add(callKey(call));
    if (call.name === 'submit') return { observation: this.observe('submitted'), terminated: true };
    const result = await this.server.call(call.name, call.arguments, signal);
    if (result.isError) {
      const message = result.text || `${call.name} failed`;
      this.shown.add(`Error (tool_error): ${message}`);
      throw new ActionError('tool_error', message);
    }
    return { observation: this.observe(result.text || '(the tool returned no text)', result.rawSize) };
  }

  private observe(text: string, rawSize = Buffer.byteLength(text)): Observation {
    this.shown.add(text);
    this.current = { text, rawSize };
    return this.current;
  }

  async verify(signal: AbortSignal): Promise<Verdict> {
    await this.stop();
    return verifyWorkspace(this.task.verifier, this.workspace, signal);
  }

  async expert(_signal: AbortSignal, strategy: string): Promise<ExpertAction> {
    if (!this.task.expert) throw new CallRefusedError('unsupported', 'this task comes from a task file and has no expert');
    const chosen = strategy || (this.strategies.length > 0 ? this.strategies[this.seed % this.strategies.length]! : '');
    const step = this.task.expert({
      root: this.workspace.root,
      strategy: chosen,
      shown: (text) => this.shown.contains(text),
      made: (c) => this.made.has(callKey(c)),
    });
    return expertAction(step, `expert-${this.steps + 1}`);
  }

  /** The workspace's whole tree (`file:<path>` -> type, mode and sha256), read from disk, not through the server. */
  async state(): Promise<StateSnapshot> {
    return this.workspace.snapshot();
  }

  /** The task's declared changes (`McpTask.expectsChange`); none for a task that declares none. */
  expectsChange(key: string): boolean {
    return this.task.expectsChange?.(key) ?? false;
  }

  /** Changes the entry at `key` on disk, as one of the server's tools could. */
  async touch(key: string): Promise<void> {
    await this.workspace.touch(key);
  }

  private stop(): Promise<void> {
    this.stopped ??= this.server.close();
    return this.stopped;
  }

  async close(): Promise<void> {
    await this.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

const callKey = (c: PlannedCall) => `${c.name} ${JSON.stringify(c.arguments)}`;
