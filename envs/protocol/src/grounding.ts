// The grounding rule for expert demonstrations: a model trained on them sees only what the
// episode showed, so every value in an expert's call must come from there. A value the expert
// computed is declared as derived, with the shown values it comes from.
import type { Decoded, Derivation, ToolCall } from './messages.js';

/** Everything an episode has shown the agent so far (instruction, tools, observations, results). */
export class ShownText {
  private readonly parts: string[] = [];

  add(text: string): void {
    const shown = normalize(text);
    if (shown) this.parts.push(shown);
  }

  contains(value: string): boolean {
    const wanted = normalize(value);
    return wanted === '' || this.parts.some((part) => part.includes(wanted));
  }
}

/** A value in an expert's call that nothing shown accounts for. */
export interface UngroundedValue {
  /** `<tool>.<argument path>`, e.g. `edit_file.old` or `write_range.values[2][0]`. */
  where: string;
  value: string;
  /** Why it is not grounded. */
  reason: string;
}

type CallLike = Pick<Decoded<ToolCall>, 'name' | 'argumentsJson'>;
type DerivationLike = Pick<Decoded<Derivation>, 'value' | 'sources' | 'how'>;

/** The values of `calls` that are neither shown nor derived from shown values. */
export function ungroundedValues(calls: readonly CallLike[], derived: readonly DerivationLike[], shown: ShownText): UngroundedValue[] {
  const found: UngroundedValue[] = [];
  for (const call of calls) {
    for (const { path, value } of argumentLeaves(call.argumentsJson)) {
      if (shown.contains(value)) continue;
      const where = `${call.name}${path}`;
      const derivation = derived.find((d) => normalize(d.value) === normalize(value));
      if (!derivation) {
        found.push({ where, value, reason: 'was never shown and is not declared as derived' });
      } else if (derivation.sources.length === 0) {
        found.push({ where, value, reason: 'is declared as derived from nothing' });
      } else {
        const unseen = derivation.sources.filter((source) => !shown.contains(source));
        if (unseen.length > 0) {
          found.push({ where, value, reason: `is derived from ${unseen.map((s) => JSON.stringify(clip(s))).join(', ')}, never shown` });
        }
      }
    }
  }
  return found;
}

/** Every string and number in a call's arguments, with its path (iterative: arguments are untrusted). */
export function argumentLeaves(argumentsJson: string): { path: string; value: string }[] {
  let root: unknown;
  try {
    root = JSON.parse(argumentsJson || '{}');
  } catch {
    return [];
  }
  const leaves: { path: string; value: string }[] = [];
  const stack: { path: string; value: unknown }[] = [{ path: '', value: root }];
  while (stack.length > 0) {
    const { path, value } = stack.pop()!;
    if (typeof value === 'string') leaves.push({ path, value });
    else if (typeof value === 'number') leaves.push({ path, value: JSON.stringify(value) });
    else if (Array.isArray(value)) value.forEach((item, i) => stack.push({ path: `${path}[${i}]`, value: item }));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) stack.push({ path: `${path}.${key}`, value: item });
    }
  }
  return leaves.reverse();
}

/** Whitespace runs count as one space: observations reflow text (tables, the accessibility tree). */
function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A long value shortened for a message. */
export function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
