import type { AgentContext } from '@workgym/agents';
import type { EpisodeRecord } from '@workgym/trajectories';

/** A concrete tool call the policy may choose. */
export interface Candidate {
  name: string;
  argumentsJson: string;
}

/**
 * What the embedded policy looks at, defined as the chat conversation shows it, so that a state
 * built from a live episode, from a recorded step or from a chat-completions request is the same:
 * - `instruction`: the first user message (the task's instruction, a blank line, the first observation);
 * - `history`: every earlier call and the tool message it got;
 * - `observation`: the tool messages of the previous turn, or the first user message at step 0.
 */
export interface PolicyState {
  instruction: string;
  observation: string;
  history: readonly { name: string; argumentsJson: string; result: string }[];
  candidates: readonly Candidate[];
}

const joinText = (a: string, b: string) => (a && b ? `${a}\n\n${b}` : a || b);

export function stateFromContext(context: AgentContext): PolicyState {
  const first = context.history[0]?.observation ?? context.observation;
  const history = context.history.flatMap((turn) =>
    turn.action.calls.map((call) => ({
      name: call.name ?? '',
      argumentsJson: call.argumentsJson ?? '{}',
      result: turn.results.find((r) => r.callId === call.id)?.text ?? '',
    })),
  );
  const last = context.history.at(-1);
  return {
    instruction: joinText(context.task.instruction, first.text),
    observation: last ? last.results.map((r) => r.text).join('\n') : joinText(context.task.instruction, first.text),
    history,
    candidates: context.observation.candidates.map((c) => ({ name: c.name, argumentsJson: c.argumentsJson || '{}' })),
  };
}

/** The state before each recorded step, with the calls the step made and whether they were injected as noise. */
export function statesFromRecord(record: EpisodeRecord): { state: PolicyState; calls: Candidate[]; injected: boolean }[] {
  const steps = record.steps ?? [];
  const instruction = joinText(record.instruction ?? '', steps[0]?.observation?.text ?? '');
  const history: PolicyState['history'][number][] = [];
  return steps.map((step, i) => {
    const previous = steps[i - 1];
    const state: PolicyState = {
      instruction,
      observation: previous ? (previous.results ?? []).map((r) => r.text ?? '').join('\n') : instruction,
      history: [...history],
      candidates: (step.observation?.candidates ?? []).map((c) => ({ name: c.name ?? '', argumentsJson: c.argumentsJson || '{}' })),
    };
    const calls = (step.toolCalls ?? []).map((c) => ({ name: c.name ?? '', argumentsJson: c.argumentsJson || '{}' }));
    (step.toolCalls ?? []).forEach((call, k) => {
      const result = (step.results ?? []).find((r) => r.callId === call.id) ?? step.results?.[k];
      history.push({ name: call.name ?? '', argumentsJson: call.argumentsJson || '{}', result: result?.text ?? '' });
    });
    return { state, calls, injected: step.injected ?? false };
  });
}
