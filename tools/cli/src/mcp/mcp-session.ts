import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { SEED_LIMIT, type StepReply } from '@workgym/protocol';
import { mcpAgent, type EnvHost } from './env-host.js';
import { faultMessage, McpEpisode } from './mcp-episode.js';

// One MCP client's session: the env's tools, plus a tool that starts a task and one that reads
// the verdict. Each env tool call is one step of the episode, and its result is the env's reply.

export const START_TOOL = 'workgym_start_task';
export const VERDICT_TOOL = 'workgym_verdict';
const SPLITS = ['train', 'test'];
const ANOTHER_TASK = 'the MCP client started another task before this one ended';
const LEFT = 'the MCP client left before the episode ended';
/** Families listed in the start tool's schema; more are named in its description only. */
const ENUM_LIMIT = 200;

export interface SessionDefaults {
  seed: number;
  split: string;
}

export function mcpSession(host: EnvHost, defaults: SessionDefaults): Server {
  const server = new Server({ name: `workgym-${host.options.env}`, version: '0.1.0' }, { capabilities: { tools: {} } });
  let episode: McpEpisode | undefined;
  // Every episode of the session not yet over, so that none is left waiting for a call that will never come.
  const live = new Set<McpEpisode>();
  const abandon = (why: string, keep?: McpEpisode) => live.forEach((e) => e !== keep && e.abandon(why));
  let closed = false;
  const envTools = new Set(host.tools.map((t) => t.name));

  const tools = [startTool(host.options.families, defaults), verdictTool(), ...host.tools.map(envTool)];
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
    const args = params.arguments ?? {};
    if (params.name === START_TOOL) {
      abandon(ANOTHER_TASK);
      const started = await startTask(host, defaults, args, mcpAgent(server.getClientVersion()), live);
      if (!(started instanceof McpEpisode)) return started;
      abandon(ANOTHER_TASK, started);
      if (closed) abandon(LEFT);
      episode = started;
      return openingResult(started);
    }
    if (params.name === VERDICT_TOOL) return verdictResult(episode);
    if (!envTools.has(params.name))
      throw new McpError(
        ErrorCode.InvalidParams,
        `unknown tool ${JSON.stringify(params.name)}; the tools: ${[START_TOOL, VERDICT_TOOL, ...envTools].join(', ')}`,
      );
    if (!episode) return failed(`no task is started: call ${START_TOOL} first`);
    try {
      return stepResult(await episode.step({ id: `mcp-${episode.stepCount}`, name: params.name, argumentsJson: JSON.stringify(args) }));
    } catch (error) {
      return failed(faultMessage(error));
    }
  });
  server.onclose = () => {
    closed = true;
    abandon(LEFT);
  };
  return server;
}

async function startTask(
  host: EnvHost,
  defaults: SessionDefaults,
  args: Record<string, unknown>,
  agent: ReturnType<typeof mcpAgent>,
  live: Set<McpEpisode>,
): Promise<McpEpisode | CallToolResult> {
  const families = host.options.families;
  const family = args.family ?? (families.length === 1 ? families[0] : undefined);
  const seed = args.seed ?? defaults.seed;
  const split = args.split ?? defaults.split;
  if (typeof family !== 'string' || !families.includes(family)) return failed(`family must be one of ${families.join(', ')}; got ${JSON.stringify(family)}`);
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= SEED_LIMIT)
    return failed(`seed must be a whole number from 0 to ${SEED_LIMIT - 1}; got ${JSON.stringify(seed)}`);
  if (typeof split !== 'string' || !SPLITS.includes(split)) return failed(`split must be train or test; got ${JSON.stringify(split)}`);
  let client;
  try {
    client = await host.client();
  } catch (error) {
    return failed(faultMessage(error));
  }
  const ids = host.episodeIds(family, split, seed);
  const episode = new McpEpisode(client, {
    task: { env: host.options.env, family, seed, split },
    ids,
    limits: host.options.limits,
    env: host.envInfo,
    agent,
    putBlob: host.putBlob,
  });
  host.record(episode.record, ids);
  live.add(episode);
  void episode.record.catch(() => undefined).finally(() => live.delete(episode));
  try {
    await episode.opening();
    return episode;
  } catch (error) {
    return failed(faultMessage(error));
  }
}

async function openingResult(episode: McpEpisode): Promise<CallToolResult> {
  const { task, observation } = await episode.opening();
  return {
    content: [
      text(
        `Task ${task!.family} (split ${task!.split}, seed ${task!.seed}):\n${task!.instruction}\n\n` +
          `Act with the env's tools; call submit when done, then ${VERDICT_TOOL} for the verifier's verdict.`,
      ),
      ...observationContent(observation),
    ],
  };
}

/**
 * The call's result (for an invalid or failed call, the env's error text), then the observation
 * only where it says more than the result, as the recorded conversation shows a step.
 */
function stepResult(reply: StepReply): CallToolResult {
  const result = reply.results[0];
  const shown = result?.text ?? '';
  const content = [...(shown ? [text(shown)] : []), ...observationContent(reply.observation, shown)];
  if (reply.verdict && (reply.terminated || reply.truncated)) content.push(text(`The episode is over: ${verdictLine(reply)}`));
  return { content, isError: Boolean(result?.error) };
}

function verdictResult(episode: McpEpisode | undefined): CallToolResult {
  if (!episode) return failed(`no task is started: call ${START_TOOL} first`);
  const last = episode.last;
  if (!last?.verdict) return failed(`the episode is not over yet (${episode.stepCount} steps so far): call submit to end it`);
  const verdict = {
    success: last.verdict.success,
    reward: last.verdict.reward,
    components: last.verdict.components,
    detail: last.verdict.detail,
    truncated: last.truncated,
  };
  return { content: [text(JSON.stringify(verdict))], structuredContent: verdict };
}

function verdictLine(reply: StepReply): string {
  const { success, reward, detail } = reply.verdict!;
  return `${success ? 'success' : 'failure'}, reward ${reward}${reply.truncated ? ' (step limit reached)' : ''}${detail ? `: ${detail}` : ''}`;
}

function observationContent(observation: StepReply['observation'], shown = ''): CallToolResult['content'] {
  if (!observation) return [];
  return [
    ...(observation.text && observation.text !== shown ? [text(observation.text)] : []),
    ...observation.images.map((image) => ({ type: 'image' as const, data: Buffer.from(image.data).toString('base64'), mimeType: image.mimeType })),
  ];
}

function startTool(families: readonly string[], defaults: SessionDefaults): Tool {
  const listed = families.length <= ENUM_LIMIT;
  return {
    name: START_TOOL,
    description:
      `Start a task of the ${families.length === 1 ? 'family' : 'families'} ${families.slice(0, 20).join(', ')}${families.length > 20 ? ', ...' : ''}: ` +
      'returns its instruction and first observation. Starting another task abandons the one under way.',
    inputSchema: {
      type: 'object',
      properties: {
        family: { type: 'string', ...(listed ? { enum: [...families] } : {}), description: 'the task family' },
        seed: { type: 'integer', minimum: 0, maximum: SEED_LIMIT - 1, description: `the task instance (default ${defaults.seed})` },
        split: { type: 'string', enum: SPLITS, description: `default ${defaults.split}` },
      },
      additionalProperties: false,
    },
  };
}

function verdictTool(): Tool {
  return {
    name: VERDICT_TOOL,
    description:
      "The verifier's verdict on the episode that ended (by submit, or the step limit): success, reward 0..1, its components and what the verifier found.",
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  };
}

function envTool(spec: EnvHost['tools'][number]): Tool {
  return { name: spec.name, description: spec.description, inputSchema: JSON.parse(spec.parametersJson) as Tool['inputSchema'] };
}

function text(value: string): { type: 'text'; text: string } {
  return { type: 'text', text: value };
}

function failed(message: string): CallToolResult {
  return { content: [text(message)], isError: true };
}
