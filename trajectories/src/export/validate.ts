/**
 * Checks of exported rows against each format's rules, so a file can be checked before an
 * expensive training job reads it. Each returns the problems found (empty: valid).
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** OpenAI chat fine-tuning rows ({messages, tools}), and the `input.messages` of DPO rows. */
export function validateOpenAIChatRow(row: unknown): string[] {
  if (!isObject(row) || !Array.isArray(row.messages)) return ['row has no messages array'];
  const problems = checkMessages(row.messages, { argumentsAs: 'string', weights: true });
  if (!row.messages.some((m) => isObject(m) && m.role === 'assistant')) problems.push('no assistant message to learn from');
  problems.push(...checkTools(row.tools));
  return problems;
}

export function validateOpenAIPreferenceRow(row: unknown): string[] {
  if (!isObject(row) || !isObject(row.input) || !Array.isArray(row.input.messages)) return ['row has no input.messages'];
  const problems = checkMessages(row.input.messages, { argumentsAs: 'string', weights: false, open: true });
  problems.push(...checkTools(row.input.tools));
  for (const side of ['preferred_output', 'non_preferred_output']) {
    problems.push(...checkSide(row[side], side, 'string'));
  }
  if (JSON.stringify(row.preferred_output) === JSON.stringify(row.non_preferred_output)) problems.push('both sides are the same');
  return problems;
}

/**
 * TRL conversational rows: `{messages, tools}`, or prompt-completion `{prompt, completion: [one
 * assistant message], tools}` (one step of a windowed episode); tool call arguments are objects.
 */
export function validateTrlRow(row: unknown): string[] {
  if (isObject(row) && Array.isArray(row.prompt)) {
    const problems = checkMessages(row.prompt, { argumentsAs: 'object', weights: false, open: true });
    return [...problems, ...checkSide(row.completion, 'completion', 'object'), ...checkTools(row.tools)];
  }
  if (!isObject(row) || !Array.isArray(row.messages)) return ['row has no messages array (nor a prompt and completion)'];
  return [...checkMessages(row.messages, { argumentsAs: 'object', weights: false }), ...checkTools(row.tools)];
}

/** TRL conversational preference rows ({prompt, chosen, rejected}). */
export function validateTrlPreferenceRow(row: unknown): string[] {
  if (!isObject(row) || !Array.isArray(row.prompt)) return ['row has no prompt array'];
  const problems = checkMessages(row.prompt, { argumentsAs: 'object', weights: false, open: true });
  problems.push(...checkSide(row.chosen, 'chosen', 'object'), ...checkSide(row.rejected, 'rejected', 'object'));
  if (JSON.stringify(row.chosen) === JSON.stringify(row.rejected)) problems.push('chosen and rejected are the same');
  return problems;
}

/** LLaMA-Factory sharegpt rows with tools. */
export function validateShareGptRow(row: unknown): string[] {
  if (!isObject(row) || !Array.isArray(row.conversations)) return ['row has no conversations array'];
  const problems: string[] = [];
  const turns = row.conversations as unknown[];
  if (turns.length === 0 || turns.length % 2 !== 0) problems.push(`${turns.length} turns; sharegpt needs a positive even count`);
  turns.forEach((turn, i) => {
    if (!isObject(turn) || typeof turn.value !== 'string') return problems.push(`turn ${i} is not {from, value}`);
    const allowed = i % 2 === 0 ? ['human', 'observation'] : ['gpt', 'function_call'];
    if (!allowed.includes(turn.from as string)) problems.push(`turn ${i} is ${String(turn.from)}, expected ${allowed.join(' or ')}`);
    if (turn.from === 'observation' && (turns[i - 1] as Json | undefined)?.from !== 'function_call') {
      problems.push(`turn ${i}: an observation must follow a function_call`);
    }
    if (turn.from === 'function_call') {
      let call: unknown;
      try {
        call = JSON.parse(turn.value);
      } catch {
        return problems.push(`turn ${i}: function_call value is not JSON`);
      }
      if (!isObject(call) || typeof call.name !== 'string' || !isObject(call.arguments)) {
        problems.push(`turn ${i}: function_call value must be {"name": string, "arguments": object}`);
      }
    }
  });
  if (typeof row.system !== 'string') problems.push('system must be a string');
  if (typeof row.tools !== 'string') problems.push('tools must be JSON text');
  else {
    try {
      if (!Array.isArray(JSON.parse(row.tools))) problems.push('tools must be a JSON array');
    } catch {
      problems.push('tools is not valid JSON');
    }
  }
  return problems;
}

function checkSide(side: unknown, name: string, argumentsAs: 'string' | 'object'): string[] {
  if (!Array.isArray(side) || side.length !== 1) return [`${name} must hold exactly one message`];
  const message = side[0];
  if (!isObject(message) || message.role !== 'assistant') return [`${name} must be an assistant message`];
  return checkToolCalls(message, name, argumentsAs).problems;
}

function checkMessages(messages: unknown[], rules: { argumentsAs: 'string' | 'object'; weights: boolean; open?: boolean }): string[] {
  const problems: string[] = [];
  const pending = new Set<string>();
  let seenUser = false;
  messages.forEach((m, i) => {
    const at = `message ${i}`;
    if (!isObject(m)) return problems.push(`${at} is not an object`);
    const role = m.role;
    if (role === 'system') {
      if (i !== 0) problems.push(`${at}: a system message must come first`);
    } else if (role === 'user') {
      seenUser = true;
    } else if (role === 'assistant') {
      if (!seenUser) problems.push(`${at}: an assistant message before any user message`);
      if (pending.size) problems.push(`${at}: tool calls ${[...pending].join(', ')} have no tool message`);
      pending.clear();
      const { ids, problems: callProblems } = checkToolCalls(m, at, rules.argumentsAs);
      problems.push(...callProblems);
      ids.forEach((id) => pending.add(id));
      if (rules.weights && m.weight !== undefined && m.weight !== 0 && m.weight !== 1) problems.push(`${at}: weight must be 0 or 1`);
    } else if (role === 'tool') {
      const id = m.tool_call_id;
      if (typeof id !== 'string' || !pending.delete(id)) problems.push(`${at}: tool message answers no open call (${String(id)})`);
    } else problems.push(`${at}: unknown role ${String(role)}`);
    if (role !== 'assistant' && 'weight' in m) problems.push(`${at}: only assistant messages take a weight`);
    if (role !== 'assistant' && typeof m.content !== 'string') problems.push(`${at}: content must be a string`);
  });
  if (pending.size) problems.push(`tool calls ${[...pending].join(', ')} have no tool message`);
  if (rules.open) {
    const last = messages.at(-1) as Json | undefined;
    if (!last || (last.role !== 'user' && last.role !== 'tool')) problems.push('a prompt must end with a user or tool message');
  }
  return problems;
}

function checkToolCalls(m: Json, at: string, argumentsAs: 'string' | 'object'): { ids: string[]; problems: string[] } {
  const problems: string[] = [];
  const ids: string[] = [];
  if (m.content !== null && typeof m.content !== 'string') problems.push(`${at}: content must be a string or null`);
  if (m.tool_calls === undefined) {
    if (!m.content && m.content !== '') problems.push(`${at}: an assistant message needs content or tool_calls`);
    return { ids, problems };
  }
  if (!Array.isArray(m.tool_calls) || m.tool_calls.length === 0) return { ids, problems: [`${at}: tool_calls must be a non-empty array`] };
  for (const call of m.tool_calls) {
    if (!isObject(call) || typeof call.id !== 'string' || call.type !== 'function' || !isObject(call.function)) {
      problems.push(`${at}: a tool call must be {id, type: "function", function}`);
      continue;
    }
    ids.push(call.id);
    const fn = call.function;
    if (typeof fn.name !== 'string' || !fn.name) problems.push(`${at}: tool call ${call.id} has no function name`);
    if (argumentsAs === 'string') {
      if (typeof fn.arguments !== 'string') problems.push(`${at}: tool call ${call.id} arguments must be JSON text`);
      else {
        try {
          JSON.parse(fn.arguments);
        } catch {
          problems.push(`${at}: tool call ${call.id} arguments are not valid JSON`);
        }
      }
    } else if (!isObject(fn.arguments)) problems.push(`${at}: tool call ${call.id} arguments must be an object`);
  }
  if (new Set(ids).size !== ids.length) problems.push(`${at}: tool call ids repeat`);
  return { ids, problems };
}

function checkTools(tools: unknown): string[] {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) return ['tools must be an array'];
  return tools.flatMap((t, i) =>
    isObject(t) && t.type === 'function' && isObject(t.function) && typeof t.function.name === 'string' && isObject(t.function.parameters)
      ? []
      : [`tool ${i} must be {type: "function", function: {name, description, parameters}}`],
  );
}
