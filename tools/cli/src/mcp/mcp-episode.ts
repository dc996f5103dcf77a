import { InfraFault, runEpisode, type Agent, type AgentAction, type AgentContext, type EpisodeLimits } from '@workgym/agents';
import type { AgentInfo, EpisodeRecord } from '@workgym/trajectories';
import type { EnvClient, ResetReply, StepReply, ToolCall } from '@workgym/protocol';

// One episode an MCP client plays. It runs through runEpisode, as every rollout episode does, so
// its record is a rollout's record: the "agent" is the MCP client, whose next action is the next
// env tool it calls, and the env's reply to that step is the tool's result.

export interface EpisodeStart {
  task: { env: string; family: string; seed: number; split: string };
  ids: { runId: string; episodeId: string; groupId: string };
  limits: EpisodeLimits;
  env: { version: string; imageId: string };
  agent: AgentInfo;
  putBlob?: (bytes: Uint8Array) => Promise<string>;
}

/** What the episode's reset showed: the task and the first observation. */
export type EpisodeOpening = Pick<ResetReply, 'task' | 'observation' | 'tools'>;

/** The client left the episode (started another, or went away) before it ended. */
export class EpisodeAbandoned extends Error {}

export class McpEpisode {
  /** The record once the episode ended (or was abandoned); an env fault rejects it. */
  readonly record: Promise<EpisodeRecord>;
  /** The verdict step, once the episode ended with one. */
  last: StepReply | undefined;
  private readonly opened: Promise<EpisodeOpening>;
  private readonly mailbox = new Mailbox<AgentAction>();
  private replyTo: ((reply: StepReply) => void) | undefined;
  private failReply: ((error: Error) => void) | undefined;
  private ended = false;
  private steps = 0;

  constructor(client: EnvClient, start: EpisodeStart) {
    let open!: (opening: EpisodeOpening) => void;
    this.opened = new Promise((resolve) => (open = resolve));
    const agent: Agent = {
      info: start.agent,
      act: (context: AgentContext, signal: AbortSignal) => {
        open({ task: context.task, observation: context.observation, tools: [...context.tools] });
        return this.mailbox.take(signal);
      },
    };
    this.record = runEpisode({ ...start, client: tapSteps(client, (reply) => this.answer(reply)), agent }).finally(() => {
      this.ended = true;
      this.failReply?.(new Error('the episode ended before the env answered'));
    });
    // Failures reach whoever awaits the opening, a step or the record.
    this.record.catch(() => undefined);
  }

  /** Resolves once the env was reset (with the task), or rejects with why it could not be. */
  opening(): Promise<EpisodeOpening> {
    return Promise.race([this.opened, this.record.then(() => Promise.reject(new Error('the episode ended before it started')))]);
  }

  get over(): boolean {
    return this.ended || this.last !== undefined;
  }

  get stepCount(): number {
    return this.steps;
  }

  /** Carries out one tool call as the episode's next step; resolves with the env's reply. */
  step(call: ToolCall): Promise<StepReply> {
    if (this.over) return Promise.reject(new Error('the episode is over: read its verdict, or start a task'));
    if (this.replyTo) return Promise.reject(new Error('one tool call at a time: the previous call is still being carried out'));
    const reply = new Promise<StepReply>((resolve, reject) => {
      this.replyTo = resolve;
      this.failReply = reject;
    });
    this.mailbox.put({ calls: [call] });
    return Promise.race([reply, this.record.then(() => reply)]).finally(() => {
      this.replyTo = undefined;
      this.failReply = undefined;
    });
  }

  /** Ends an unfinished episode as the client's failure (it is recorded as agent_error). */
  abandon(why: string): void {
    if (!this.over) this.mailbox.fail(new EpisodeAbandoned(why));
  }

  private answer(reply: StepReply): void {
    this.steps++;
    if (reply.terminated || reply.truncated) this.last = reply;
    this.replyTo?.(reply);
  }
}

/** An env fault that ended the episode, as the client should read it. */
export function faultMessage(error: unknown): string {
  return error instanceof InfraFault ? `the env failed: ${error.message}` : (error as Error).message;
}

/** The client with every step's reply also handed to `onReply` (the MCP call waiting for it). */
function tapSteps(client: EnvClient, onReply: (reply: StepReply) => void): EnvClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'step') {
        return async (...args: Parameters<EnvClient['step']>) => {
          const reply = await target.step(...args);
          onReply(reply);
          return reply;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** One value at a time from a producer to a consumer that may ask first. */
class Mailbox<T> {
  private value: T | undefined;
  private failure: Error | undefined;
  private waiter: { resolve(value: T): void; reject(error: Error): void } | undefined;

  put(value: T): void {
    if (this.waiter) this.waiter.resolve(value);
    else this.value = value;
    this.waiter = undefined;
  }

  fail(error: Error): void {
    this.failure = error;
    this.waiter?.reject(error);
    this.waiter = undefined;
  }

  take(signal: AbortSignal): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.value !== undefined) {
      const value = this.value;
      this.value = undefined;
      return Promise.resolve(value);
    }
    return new Promise<T>((resolve, reject) => {
      this.waiter = { resolve, reject };
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  }
}
