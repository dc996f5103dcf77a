import { parseElementLines, type ElementLine } from '@workgym/protocol/kit/element-lines';

/**
 * What a candidate that names an element (`{"id": 52}`) acts on, read from the observation text.
 *
 * Element ids change with every page, so a candidate's own text (`click {"id":52}`) says nothing
 * a linear model can generalise from. Observations that list elements as element lines (the
 * browser's accessibility tree, written and read by the kit's element-line format) say what id
 * 52 is: its role, its accessible name, its value, and the row or small group it sits in (a table
 * row's other cells: the sender of a mail, the email of a user). Reading it from the text the
 * policy already sees keeps live episodes, recorded steps and chat requests giving the same
 * state, with no extra field to carry.
 */
export interface ElementInfo {
  role: string;
  name: string;
  value: string;
  /** The text of the smallest enclosing group of at most CONTEXT_LINES lines (its row, its form field). */
  context: string;
}

const CONTEXT_LINES = 12;

/** The end (exclusive) of line i's subtree: the next line at the same or a smaller depth. */
function subtreeEnd(lines: readonly ElementLine[], i: number): number {
  let j = i + 1;
  while (j < lines.length && lines[j]!.depth > lines[i]!.depth) j++;
  return j;
}

/** Climbs from line i to the largest ancestor whose subtree stays within CONTEXT_LINES lines. */
function contextOf(lines: readonly ElementLine[], i: number): string {
  let top = i;
  for (let k = i - 1; k >= 0; k--) {
    if (lines[k]!.depth >= lines[top]!.depth) continue;
    if (subtreeEnd(lines, k) - k > CONTEXT_LINES) break;
    top = k;
  }
  return lines
    .slice(top, subtreeEnd(lines, top))
    .map((l) => [l.name, l.value].filter(Boolean).join(' '))
    .join(' ');
}

/** Elements by id, parsed from an observation; empty for observations without `[id]` lines. */
export function elementsOf(text: string): Map<number, ElementInfo> {
  const cached = cache.get(text);
  if (cached) return cached;
  const lines = parseElementLines(text);
  const out = new Map<number, ElementInfo>();
  lines.forEach((l, i) => out.set(l.id, { role: l.role, name: l.name, value: l.value, context: contextOf(lines, i) }));
  // A state's texts recur across its candidates, steps and training epochs: parse each once.
  if (cache.size >= 256) cache.delete(cache.keys().next().value!);
  cache.set(text, out);
  return out;
}

const cache = new Map<string, Map<number, ElementInfo>>();

/** The element id a call's arguments name (`id`), if any. */
export function elementId(argumentsJson: string): number | undefined {
  try {
    const id = (JSON.parse(argumentsJson || '{}') as { id?: unknown }).id;
    return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The call's arguments other than the element id: what a call does to its element. */
export function otherArguments(argumentsJson: string): string {
  try {
    const { id: _id, ...rest } = JSON.parse(argumentsJson || '{}') as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return argumentsJson;
  }
}
