import { toConversation } from './conversation.js';
import type { EpisodeRecord } from '../record/record.js';
import { rewardModeOf, shapedRewardOf } from '../record/reward.js';
import { taskId } from '../record/task.js';

export interface TranscriptOptions {
  /** Cut texts longer than this (observations are often long); default: no cut. */
  maxChars?: number;
}

/**
 * An episode as a readable transcript: header, then every step as the model saw and did it. An
 * observation the conversation did not show again (it was the previous step's last tool result)
 * is named, not repeated.
 */
export function formatTranscript(record: EpisodeRecord, options: TranscriptOptions = {}): string {
  const cut = (text: string) => {
    const max = options.maxChars;
    return max !== undefined && text.length > max ? `${text.slice(0, max)}… [${text.length - max} more chars]` : text;
  };
  const indent = (text: string) => cut(text).replace(/\n/g, '\n    ');
  const agent = record.agent;
  const sampling = agent?.sampling;
  const params = [
    sampling?.temperature != null ? `temperature ${sampling.temperature}` : '',
    sampling?.topP != null ? `top_p ${sampling.topP}` : '',
    sampling?.maxTokens != null ? `max_tokens ${sampling.maxTokens}` : '',
    sampling?.seed != null ? `seed ${sampling.seed}` : '',
  ].filter(Boolean);
  const components = Object.entries(record.rewardComponents ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const t = record.timings;
  const lines = [
    `episode  ${record.episodeId}   run ${record.runId}   group ${record.groupId}`,
    `task     ${taskId(record)}   split ${record.split}   job ${record.job}${record.infeasible ? '   infeasible (the request cannot be done; only report_infeasible succeeds)' : ''}`,
    `env      ${record.env} ${record.envVersion}${record.imageId ? `   image ${record.imageId}` : ''}`,
    `agent    ${agent?.kind ?? ''}${agent?.model ? ` ${agent.model}` : ''}${params.length ? `   ${params.join(', ')}` : ''}${agent?.contextPolicy ? `   context ${agent.contextPolicy}` : ''}`,
    `outcome  ${record.status}   reward ${record.finalReward} [${rewardModeOf(record)}]   shaped ${shapedRewardOf(record)}${components ? ` (${components})` : ''}   success ${record.success}` +
      `${record.selfEvaluation != null ? `   self-evaluation ${record.selfEvaluation}` : ''}   attempts ${record.attempts}`,
    `time     ${t ? `${((t.totalMs ?? 0) / 1000).toFixed(1)} s (agent ${((t.agentMs ?? 0) / 1000).toFixed(1)} s, env ${((t.envMs ?? 0) / 1000).toFixed(1)} s)` : '-'}`,
  ];
  if (record.verdictDetail) lines.push(`verdict  ${cut(record.verdictDetail)}`);
  const changes = record.stateChanges ?? [];
  if (changes.length > 0 || record.stateChangesTruncated) {
    const more = record.stateChangesTruncated ? ' (more left out)' : '';
    lines.push(`changed  ${changes.length} thing${changes.length === 1 ? '' : 's'} in the env's state${more}: ${cut(changes.map((c) => c.key).join(', '))}`);
  }
  if (record.errorMessage) lines.push(`error    ${record.errorMessage}`);
  lines.push('', `instruction:\n    ${indent(record.instruction ?? '')}`);
  const shown = shownObservations(record);
  for (const [i, step] of (record.steps ?? []).entries()) {
    const usage = step.usage;
    lines.push(
      '',
      `── step ${i} ─ agent ${Math.round(step.agentMs ?? 0)} ms, env ${Math.round(step.envMs ?? 0)} ms` +
        `${usage ? `, tokens ${usage.promptTokens ?? 0}+${usage.completionTokens ?? 0}` : ''}, reward ${step.reward ?? 0}` +
        `${step.terminated ? ', terminated' : ''}${step.truncated ? ', truncated' : ''}${step.errorKind ? `, error ${step.errorKind}` : ''}` +
        `${step.injected ? ', injected as noise' : ''}${step.strategy ? `, strategy ${step.strategy}` : ''}`,
    );
    const obs = step.observation;
    const images = (obs?.images ?? []).map((im) => `${im.label || 'image'} ${im.sha256?.slice(0, 12)} (${byteCount(im.size)} bytes)`);
    const candidates = obs?.candidates?.length ? `; ${obs.candidates.length} candidate actions` : '';
    const rawSize = byteCount(obs?.rawSize);
    const about = `${rawSize ? `, ${rawSize} bytes raw` : ''}${images.length ? `; ${images.join('; ')}` : ''}${candidates}`;
    if (shown.has(i)) lines.push(`[observation${about}]`, `    ${indent(obs?.text ?? '')}`);
    else lines.push(`[observation: the result above${about}]`);
    if (step.text) lines.push(`[assistant]\n    ${indent(step.text)}`);
    for (const call of step.toolCalls ?? []) {
      lines.push(`[call ${call.id}] ${call.name}(${cut(call.argumentsJson ?? '')})`);
      const result = (step.results ?? []).find((r) => r.callId === call.id);
      if (result) {
        lines.push(`[result${result.errorKind ? ` error ${result.errorKind}: ${result.errorMessage}` : ''}]\n    ${indent(result.text ?? '')}`);
        for (const turn of result.people ?? []) lines.push(`[person ${turn.who} on ${turn.channel}] ${turn.name}: ${indent(turn.text ?? '')}`);
      }
    }
  }
  return lines.join('\n');
}

/**
 * A uint64 size as a number. Runs recorded before sizes were stored as numbers hold protobufjs's
 * Long as a plain `{low, high, unsigned}` object.
 */
function byteCount(value: unknown): number {
  if (typeof value === 'number') return value;
  const long = value as { low?: unknown; high?: unknown } | null | undefined;
  return typeof long?.low === 'number' && typeof long.high === 'number' ? long.high * 2 ** 32 + (long.low >>> 0) : 0;
}

/** Steps whose observation the conversation shows as text of its own (the first always does). */
function shownObservations(record: EpisodeRecord): Set<number> {
  const shown = new Set<number>([0]);
  toConversation(record).forEach((m, i, all) => {
    if (m.role === 'assistant' && all[i - 1]?.role === 'user') shown.add(m.step);
  });
  return shown;
}
