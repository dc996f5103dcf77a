import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { functionTools, toConversation, type ConversationOptions } from '../views/conversation.js';
import type { EpisodeRecord } from '../record/record.js';
import { rewardModeOf, shapedRewardOf } from '../record/reward.js';
import { taskId } from '../record/task.js';
import { isTestEpisode, TEST_CANARY } from '../views/test-split.js';

const text = (name: string, repetition: 'REQUIRED' | 'OPTIONAL' = 'REQUIRED'): SchemaElement => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: repetition,
});

const required = (name: string, type: 'INT64' | 'INT32' | 'DOUBLE' | 'BOOLEAN'): SchemaElement => ({
  name,
  type,
  repetition_type: 'REQUIRED',
});

const messageList = (name: string, withCalls: boolean): SchemaElement[] => [
  { name, repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'REQUIRED', num_children: withCalls ? 4 : 2 },
  text('role'),
  text('content'),
  ...(withCalls
    ? [
        text('tool_call_id', 'OPTIONAL'),
        { name: 'tool_calls', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 } as SchemaElement,
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 } as SchemaElement,
        { name: 'element', repetition_type: 'REQUIRED', num_children: 3 } as SchemaElement,
        text('id'),
        text('name'),
        text('arguments'),
      ]
    : []),
];

/** With test-split rows, a `canary` column (TEST_CANARY on those rows, null on the others). */
const extraInfo = (withCanary: boolean): SchemaElement[] => [
  { name: 'extra_info', repetition_type: 'REQUIRED', num_children: withCanary ? 16 : 15 },
  required('index', 'INT64'),
  text('split'),
  text('episode_id'),
  text('group_id'),
  text('task_id'),
  text('env'),
  text('family'),
  required('seed', 'INT64'),
  text('status'),
  required('success', 'BOOLEAN'),
  text('reward_mode'),
  required('shaped_reward', 'DOUBLE'),
  required('steps', 'INT32'),
  text('agent'),
  text('model'),
  ...(withCanary ? [text('canary', 'OPTIONAL')] : []),
];

/**
 * verl / SkyRL-style RL rows, one per episode:
 *
 *   data_source   "workgym/<env>"
 *   prompt        [{role, content}]: the system prompt and the task's first user turn
 *   ability       the job ("data-analyst")
 *   env_class     the env (SkyRL)
 *   reward_model  {style: "workgym", ground_truth: task id, e.g. "browser/shop#42"}
 *   tools         the tool list as JSON text (OpenAI function tools)
 *   response      the rest of the episode: [{role, content, tool_call_id, tool_calls:
 *                 [{id, name, arguments (JSON text)}]}]
 *   reward        the final reward: what the run's reward mode paid (success, 0 or 1, by default)
 *   extra_info    {index, split, episode_id, group_id, task_id, env, family, seed, status,
 *                  success, reward_mode, shaped_reward (for analysis, whatever the mode), steps,
 *                  agent, model, and canary when test-split episodes are in}
 */
export async function rlParquet(records: EpisodeRecord[], options: ConversationOptions = {}): Promise<Uint8Array> {
  // The writer loads here, with the one export that needs it, not with every command that reads runs.
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const withCanary = records.some((r) => isTestEpisode(r));
  const rows = records.map((record, index) => {
    const conversation = toConversation(record, options);
    const promptLength = conversation.findIndex((m) => m.role === 'assistant');
    const cut = promptLength === -1 ? conversation.length : promptLength;
    const prompt = conversation.slice(0, cut).map((m) => ({ role: m.role, content: 'content' in m ? m.content : '' }));
    const response = conversation.slice(cut).map((m) => ({
      role: m.role,
      content: m.content,
      tool_call_id: m.role === 'tool' ? m.toolCallId : null,
      tool_calls: m.role === 'assistant' ? m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.argumentsJson })) : null,
    }));
    const task = taskId(record);
    return {
      data_source: `workgym/${record.env ?? ''}`,
      prompt,
      ability: record.job ?? '',
      env_class: record.env ?? '',
      reward_model: { style: 'workgym', ground_truth: task },
      tools: JSON.stringify(functionTools(record)),
      response,
      reward: record.finalReward ?? 0,
      extra_info: {
        index: BigInt(index),
        split: record.split ?? '',
        episode_id: record.episodeId ?? '',
        group_id: record.groupId ?? '',
        task_id: task,
        env: record.env ?? '',
        family: record.family ?? '',
        seed: BigInt(record.seed ?? 0),
        status: record.status ?? '',
        success: record.success ?? false,
        reward_mode: rewardModeOf(record),
        shaped_reward: shapedRewardOf(record),
        steps: record.steps?.length ?? 0,
        agent: record.agent?.kind ?? '',
        model: record.agent?.model ?? '',
        ...(withCanary ? { canary: isTestEpisode(record) ? TEST_CANARY : null } : {}),
      },
    };
  });
  const names = ['data_source', 'prompt', 'ability', 'env_class', 'reward_model', 'tools', 'response', 'reward', 'extra_info'] as const;
  const columnData: ColumnSource[] = names.map((name) => ({ name, data: rows.map((r) => r[name]) }));
  const schema: SchemaElement[] = [
    { name: 'root', num_children: names.length },
    text('data_source'),
    ...messageList('prompt', false),
    text('ability'),
    text('env_class'),
    { name: 'reward_model', repetition_type: 'REQUIRED', num_children: 2 },
    text('style'),
    text('ground_truth'),
    text('tools'),
    ...messageList('response', true),
    required('reward', 'DOUBLE'),
    ...extraInfo(withCanary),
  ];
  return new Uint8Array(parquetWriteBuffer({ columnData, schema, createdBy: 'workgym-trajectories' }));
}
