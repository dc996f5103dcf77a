import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import {
  conversationBefore,
  describePolicy,
  functionToolsOf,
  openAIMessage,
  type ContextPolicy,
  type ConversationSource,
  type TokenLogprob,
} from '@workgym/trajectories';
import type { Agent, AgentAction, AgentContext } from '../agent.js';
import { RateLimiter } from './rate-limiter.js';

export interface OpenAIAgentOptions {
  model: string;
  baseURL: string;
  apiKey: string;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
  /** Ask for logprobs with this many alternatives per token (0: logprobs without alternatives). */
  topLogprobs?: number;
  systemPrompt?: string;
  context?: ContextPolicy;
  /** Requests in flight at once across every episode using this agent (default 8). */
  maxConcurrency?: number;
  requestsPerMinute?: number;
  /** Retries on 408/409/429/5xx and connection errors, with exponential backoff (default 4). */
  maxRetries?: number;
  /** Ask the model at the end of each episode for its probability of success. */
  selfEvaluate?: boolean;
  /**
   * Also send the observation's candidate actions as an extra body field, `workgym_candidates`
   * (`[{ name, arguments }]`, arguments as JSON text), for policies that choose among them (the
   * embedded learner's server). Hosted APIs may reject unknown fields, so it is off by default.
   */
  sendCandidates?: boolean;
}

const DEFAULT_SYSTEM = 'You are an agent working in a software environment. Use the tools to complete the task. ' + 'Call submit when you are done.';

/** Any OpenAI-compatible chat-completions endpoint: vLLM, SGLang, Ollama, OpenAI. */
export class OpenAIAgent implements Agent {
  readonly info;
  // Its episodes wait on the model server, not on this machine's cores.
  readonly pacing = 'remote';
  // The SDK (~150 modules) loads with the first request: commands that make an agent without
  // asking a model (a dry run, a plan) do not pay for it.
  private client?: Promise<OpenAI>;
  private readonly limiter: RateLimiter;
  private readonly policy: ContextPolicy;

  constructor(private readonly options: OpenAIAgentOptions) {
    this.limiter = new RateLimiter(options.maxConcurrency ?? 8, options.requestsPerMinute);
    this.policy = options.context ?? { kind: 'full' };
    this.info = {
      kind: 'openai',
      model: options.model,
      contextPolicy: describePolicy(this.policy),
      systemPrompt: options.systemPrompt ?? DEFAULT_SYSTEM,
      sampling: {
        temperature: options.temperature,
        topP: options.topP,
        maxTokens: options.maxTokens,
        seed: options.seed,
        topLogprobs: options.topLogprobs,
        extraJson: JSON.stringify({ baseURL: options.baseURL }),
      },
    };
  }

  async act(context: AgentContext, signal: AbortSignal): Promise<AgentAction> {
    const candidates = this.options.sendCandidates
      ? context.observation.candidates.map((c) => ({ name: c.name, arguments: c.argumentsJson || '{}' }))
      : undefined;
    const completion = await this.complete(this.messages(context), toolsFor(context), signal, candidates);
    const choice = completion.choices[0];
    if (!choice) throw new Error('the model returned no choice');
    const calls = (choice.message.tool_calls ?? []).flatMap((c) =>
      c.type === 'function' ? [{ id: c.id, name: c.function.name, argumentsJson: c.function.arguments }] : [],
    );
    return {
      calls,
      text: choice.message.content ?? '',
      rawOutput: JSON.stringify(choice.message),
      usage: completion.usage && {
        promptTokens: completion.usage.prompt_tokens,
        completionTokens: completion.usage.completion_tokens,
        cachedTokens: completion.usage.prompt_tokens_details?.cached_tokens ?? 0,
      },
      logprobs: toLogprobs(choice.logprobs?.content),
    };
  }

  async selfEvaluate(context: AgentContext, signal: AbortSignal): Promise<number | undefined> {
    if (!this.options.selfEvaluate) return undefined;
    const question: ChatCompletionMessageParam = {
      role: 'user',
      content: 'The episode is over. What is the probability (0 to 1) that you completed the task correctly? Answer with the number only.',
    };
    const completion = await this.complete([...this.messages(context), question], undefined, signal);
    const value = Number.parseFloat(completion.choices[0]?.message.content?.match(/[01](?:\.\d+)?|\.\d+/)?.[0] ?? '');
    return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
  }

  private complete(
    messages: ChatCompletionMessageParam[],
    tools: ChatCompletionTool[] | undefined,
    signal: AbortSignal,
    candidates?: { name: string; arguments: string }[],
  ): Promise<ChatCompletion> {
    const o = this.options;
    // The SDK sends body fields it does not know as they are.
    const extra = candidates ? { workgym_candidates: candidates } : {};
    this.client ??= import('openai').then(({ default: SDK }) => new SDK({ baseURL: o.baseURL, apiKey: o.apiKey, maxRetries: o.maxRetries ?? 4 }));
    const client = this.client;
    return this.limiter.run(
      async () =>
        (await client).chat.completions.create(
          {
            ...extra,
            model: o.model,
            messages,
            tools,
            parallel_tool_calls: tools ? true : undefined,
            temperature: o.temperature,
            top_p: o.topP,
            max_tokens: o.maxTokens,
            seed: o.seed,
            logprobs: o.topLogprobs !== undefined ? true : undefined,
            top_logprobs: o.topLogprobs || undefined,
          },
          { signal },
        ),
      signal,
    );
  }

  /**
   * The conversation before this step (trajectories' conversationBefore, the same function every
   * export uses, so training data is what the model was sent), then the current observation's
   * images, if any, as a last user message: they are shown for this request only.
   */
  private messages(context: AgentContext): ChatCompletionMessageParam[] {
    const source: ConversationSource = {
      systemPrompt: this.info.systemPrompt,
      instruction: context.task.instruction,
      policy: this.policy,
      steps: context.history.map((turn) => ({
        observation: turn.observation.text,
        text: turn.action.text,
        toolCalls: turn.action.calls,
        results: turn.results,
        errorKind: turn.results.find((r) => r.errorKind)?.errorKind ?? '',
      })),
    };
    const messages = conversationBefore(source, context.observation.text).map((m) => openAIMessage(m) as ChatCompletionMessageParam);
    const images = context.observation.images;
    if (images.length > 0) {
      messages.push({
        role: 'user',
        content: images.map((image) => ({
          type: 'image_url' as const,
          image_url: { url: `data:${image.mimeType};base64,${Buffer.from(image.data).toString('base64')}` },
        })),
      });
    }
    return messages;
  }
}

function toolsFor(context: AgentContext): ChatCompletionTool[] {
  return functionToolsOf(context.tools).map((t) => ({
    type: 'function',
    function: { ...t.function, parameters: t.function.parameters as Record<string, unknown> },
  }));
}

type ApiLogprob = { token: string; logprob: number; top_logprobs?: { token: string; logprob: number }[] };

function toLogprobs(content: ApiLogprob[] | null | undefined): TokenLogprob[] {
  return (content ?? []).map((t) => ({ token: t.token, logprob: t.logprob, top: (t.top_logprobs ?? []).map((x) => ({ token: x.token, logprob: x.logprob })) }));
}
